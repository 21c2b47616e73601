import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'

import {policyFile, readPolicy, writePolicy} from './policy-store.js'

const home = mkdtempSync(join(tmpdir(), 'discode-policy-'))
after(() => rmSync(home, {recursive: true, force: true}))

describe('policy store', () => {
  it('writes 0600 and reads back, with the stable channel by default', () => {
    writePolicy(home, 'shop', {policy: 'patch', channel: 'stable', window: 'Sat 02:00-03:00'})
    assert.equal(statSync(policyFile(home, 'shop')).mode & 0o777, 0o600)
    assert.deepEqual(readPolicy(home, 'shop'), {policy: 'patch', channel: 'stable', window: 'Sat 02:00-03:00'})
    assert.equal(readPolicy(home, 'other'), undefined)
  })
  it('a damaged file is a clear error with a way out', () => {
    writeFileSync(policyFile(home, 'shop'), '{"policy": "sometimes"}')
    assert.throws(
      () => readPolicy(home, 'shop'),
      (error: Error & {hint?: string}) => /auto-update settings .* cannot be read/.test(error.message) && /--policy/.test(error.hint ?? ''),
    )
  })
})
