import assert from 'node:assert/strict'
import {generateKeyPairSync} from 'node:crypto'
import {describe, it} from 'node:test'

import {rawPublicKey} from '../feed/keys.js'
import {keyFingerprint} from './manifest.js'
import {chooseKey, isOlderBundle} from './trust.js'

const key = () => rawPublicKey(generateKeyPairSync('ed25519').privateKey)
const [vendor, other, bundled] = [key(), key(), key()]

describe('chooseKey', () => {
  it("an installed app's bundle is verified with the app's key; a different --key is refused", () => {
    assert.deepEqual(chooseKey({installed: vendor, bundleKey: bundled, accept: true}), {key: vendor})
    assert.deepEqual(chooseKey({installed: vendor, given: vendor, bundleKey: bundled, accept: false}), {key: vendor})
    assert.throws(() => chooseKey({installed: vendor, given: other, bundleKey: bundled, accept: false}), /is not the app's feed key/)
  })

  it('a first install uses --key, else the bundle key once confirmed (--yes or a prompt)', () => {
    assert.deepEqual(chooseKey({given: vendor, bundleKey: bundled, accept: false}), {key: vendor})
    assert.deepEqual(chooseKey({bundleKey: bundled, accept: true}), {key: bundled, firstUse: keyFingerprint(bundled)})
    assert.deepEqual(chooseKey({bundleKey: bundled, accept: false}), {confirm: keyFingerprint(bundled)})
  })

  it('refuses a --key that is not an ed25519 public key', () => {
    assert.throws(
      () => chooseKey({given: 'not-a-key', bundleKey: bundled, accept: false}),
      (error: {code: string}) => error.code === 'BUNDLE_KEY_INVALID',
    )
  })
})

describe('isOlderBundle', () => {
  it('is older only than a later accepted feed', () => {
    assert.equal(isOlderBundle('2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'), true)
    assert.equal(isOlderBundle('2026-01-02T00:00:00Z', '2026-01-02T00:00:00Z'), false)
    assert.equal(isOlderBundle('2026-01-01T00:00:00Z', undefined), false)
  })
})

describe('keyFingerprint', () => {
  it('is SHA256:<base64> of the raw key, different per key', () => {
    assert.match(keyFingerprint(vendor), /^SHA256:[A-Za-z0-9+/]{43}$/)
    assert.notEqual(keyFingerprint(vendor), keyFingerprint(other))
  })
})
