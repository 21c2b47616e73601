import assert from 'node:assert/strict'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, it} from 'node:test'

import {readPassphrase} from './passphrase.js'

describe('readPassphrase', () => {
  it('reads the first line of a file before the environment', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pp-')), 'pp')
    writeFileSync(file, 'from file\nignored\n')
    assert.equal(await readPassphrase({file, env: {DISCODE_BACKUP_PASSPHRASE: 'env'}}), 'from file')
  })

  it('falls back to the environment, then to asking', async () => {
    assert.equal(await readPassphrase({env: {DISCODE_BACKUP_PASSPHRASE: 'env'}}), 'env')
    assert.equal(await readPassphrase({env: {}, ask: async () => 'asked'}), 'asked')
  })

  it('fails with a hint when there is none', async () => {
    await assert.rejects(readPassphrase({env: {}}), {code: 'PASSPHRASE_REQUIRED'})
    await assert.rejects(readPassphrase({file: '/nonexistent/pp', env: {}}), {code: 'BAD_FLAG'})
  })
})
