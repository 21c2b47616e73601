import assert from 'node:assert/strict'
import {mkdtempSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, it} from 'node:test'

import {readAppKey, snapshotEncryption, writeAppKey} from './app-key.js'

describe("an app's snapshot key", () => {
  it('an app that encrypts never takes a plain snapshot, automatic ones included', () => {
    assert.equal(snapshotEncryption({passphrase: true, encrypts: false, keyKept: false}), 'new')
    assert.equal(snapshotEncryption({passphrase: false, encrypts: true, keyKept: true}), 'kept', 'no passphrase needed')
    assert.equal(snapshotEncryption({passphrase: false, encrypts: true, keyKept: false}), 'missing')
    assert.equal(snapshotEncryption({passphrase: false, encrypts: false, keyKept: false}), 'plain')
  })

  it('is kept 0600 and read back as written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'app-key-'))
    assert.equal(readAppKey(dir), undefined)
    const key = {recipient: 'age1example', sealed: new Uint8Array([1, 2, 3]), macKey: Buffer.alloc(32, 9)}
    writeAppKey(dir, key)
    assert.equal(statSync(join(dir, 'backup-key.json')).mode & 0o777, 0o600)
    const read = readAppKey(dir)!
    assert.equal(read.recipient, 'age1example')
    assert.deepEqual([...read.sealed], [1, 2, 3])
    assert.deepEqual(Buffer.from(read.macKey), key.macKey)
  })
})
