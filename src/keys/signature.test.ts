import assert from 'node:assert/strict'
import {generateKeyPairSync} from 'node:crypto'
import {describe, it} from 'node:test'

import {checkSignature, signBytes} from './signature.js'

describe('signBytes and checkSignature', () => {
  const vendor = generateKeyPairSync('ed25519')
  const attacker = generateKeyPairSync('ed25519')
  const bytes = Buffer.from('{"releases": []}\n')

  it("a signature over the exact bytes checks with the signer's key, as the one line written", () => {
    const signature = signBytes(bytes, vendor.privateKey)
    assert.match(signature, /^[A-Za-z0-9+/]{86}==\n$/)
    assert.equal(signBytes(bytes, vendor.privateKey), signature, 'deterministic')
    assert.equal(checkSignature(bytes, signature, vendor.publicKey), 'ok')
  })

  it('refuses changed bytes, another key and what is no signature', () => {
    const signature = signBytes(bytes, vendor.privateKey)
    assert.equal(checkSignature(Buffer.from('{"releases": [1]}\n'), signature, vendor.publicKey), 'mismatch')
    assert.equal(checkSignature(bytes, signBytes(bytes, attacker.privateKey), vendor.publicKey), 'mismatch')
    assert.equal(checkSignature(bytes, Buffer.alloc(64).toString('base64'), vendor.publicKey), 'mismatch')
    assert.equal(checkSignature(bytes, 'not base64!', vendor.publicKey), 'malformed')
    assert.equal(checkSignature(bytes, Buffer.alloc(32).toString('base64'), vendor.publicKey), 'malformed')
  })
})
