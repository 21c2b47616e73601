import assert from 'node:assert/strict'
import {Readable} from 'node:stream'
import {buffer} from 'node:stream/consumers'
import {describe, it} from 'node:test'

import {decryptStream, encryptStream, newSnapshotKey, openSnapshotKey} from './encryption.js'

describe('snapshot encryption (age)', () => {
  it('round-trips a stream through a passphrase-sealed key, and refuses a wrong passphrase', async () => {
    // A small scrypt work factor keeps the test fast; the product uses age's default (18).
    const key = await newSnapshotKey('correct horse battery staple', {scryptWorkFactor: 4})
    const plain = Buffer.from('x'.repeat(200_000) + 'end')
    const encrypted = await buffer(await encryptStream(Readable.from([plain]), key.recipient))
    assert.ok(!encrypted.includes(Buffer.from('xxxxxxxx')), 'the ciphertext does not hold the plaintext')
    const identity = await openSnapshotKey(key.sealed, 'correct horse battery staple')
    const decrypted = await buffer(await decryptStream(Readable.from([encrypted]), identity))
    assert.ok(decrypted.equals(plain))
    await assert.rejects(openSnapshotKey(key.sealed, 'wrong'), {code: 'BAD_PASSPHRASE'})
  })
})
