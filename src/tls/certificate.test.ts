import assert from 'node:assert/strict'
import {after, describe, it} from 'node:test'
import {readFileSync} from 'node:fs'

import type {DiscodeError} from '../errors.js'
import {createTestCa} from '../../test/support/test-ca.js'
import {checkCertificatePair, expiryWarning} from './certificate.js'

const ca = createTestCa()
after(() => ca.remove())
const shop = ca.issue('shop', ['shop.test', 'www.shop.test'])
const code = (expected: string) => (error: DiscodeError) => error.code === expected && !error.message.includes('PRIVATE KEY')

describe('checkCertificatePair', () => {
  it('accepts a matching, current pair that covers the hosts, and names its expiry', () => {
    const facts = checkCertificatePair(shop, ['shop.test', 'www.shop.test'])
    assert.match(facts.subject, /CN=shop\.test/)
    assert.ok(new Date(facts.validTo) > new Date())
    assert.match(facts.fingerprint, /^[0-9a-f]{64}$/)
  })

  it('refuses a key of another certificate, an unreadable key or certificate', () => {
    assert.throws(
      () => checkCertificatePair({cert: shop.cert, key: readFileSync(ca.strayKey('stray'), 'utf8')}, []),
      code('TLS_KEY_MISMATCH'),
    )
    assert.throws(() => checkCertificatePair({cert: shop.cert, key: 'nope'}, []), code('TLS_BAD_KEY'))
    assert.throws(() => checkCertificatePair({cert: shop.key, key: shop.key}, []), code('TLS_BAD_CERT'))
  })

  it('refuses a certificate that has expired (or is not valid yet)', () => {
    const later = new Date(Date.now() + 60 * 86_400_000)
    assert.throws(
      () => checkCertificatePair(shop, [], later),
      (error: DiscodeError) => error.code === 'TLS_EXPIRED' && /expired on/.test(error.message),
    )
    const earlier = new Date(Date.now() - 2 * 86_400_000)
    assert.throws(
      () => checkCertificatePair(shop, [], earlier),
      (error: DiscodeError) => /not valid before/.test(error.message),
    )
  })

  it('refuses a certificate that does not cover every host name, naming them', () => {
    assert.throws(
      () => checkCertificatePair(shop, ['shop.test', 'admin.shop.test']),
      (error: DiscodeError) =>
        error.code === 'TLS_HOST_MISMATCH' &&
        /does not cover admin\.shop\.test \(it is for shop\.test, www\.shop\.test\)/.test(error.message),
    )
  })
})

describe('expiryWarning', () => {
  const now = new Date('2026-01-01T00:00:00Z')
  it('warns within 14 days and once expired, not before', () => {
    assert.equal(expiryWarning('2026-02-01T00:00:00Z', now), undefined)
    assert.match(expiryWarning('2026-01-10T00:00:00Z', now) ?? '', /expires in 9 day\(s\), on 2026-01-10/)
    assert.match(expiryWarning('2025-12-30T00:00:00Z', now) ?? '', /expired on 2025-12-30/)
  })
})
