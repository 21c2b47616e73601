import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {isEd25519PublicKey} from './public-key.js'
import {generateKeyPair} from '../feed/keys.js'

describe('isEd25519PublicKey', () => {
  it("accepts the line feed keygen writes, with the line's newline", () => {
    const {publicKey} = generateKeyPair()
    assert.equal(isEd25519PublicKey(publicKey), true)
    assert.equal(isEd25519PublicKey(`${publicKey}\n`), true)
  })

  it('refuses a typo, a PEM, a key of the wrong length and non-canonical base64', () => {
    const {publicKey, privateKeyPem} = generateKeyPair()
    assert.equal(isEd25519PublicKey('not-a-key'), false)
    assert.equal(isEd25519PublicKey(privateKeyPem), false)
    assert.equal(isEd25519PublicKey(Buffer.alloc(31).toString('base64')), false)
    assert.equal(isEd25519PublicKey(publicKey.slice(0, -2)), false)
  })
})
