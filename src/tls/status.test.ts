import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {tlsCell, tlsStatusOf} from './status.js'

const facts = {subject: 'CN=shop.test', validFrom: '2026-01-01T00:00:00.000Z', validTo: '2026-03-01T00:00:00.000Z', fingerprint: 'ab'}

describe('tlsStatusOf', () => {
  it('custom with its expiry; auto or off from the route', () => {
    const custom = tlsStatusOf(facts, true, new Date('2026-01-15T00:00:00Z'))
    assert.deepEqual(custom, {mode: 'custom', expires: facts.validTo, subject: 'CN=shop.test'})
    assert.equal(tlsCell(custom), 'custom until 2026-03-01')
    assert.deepEqual(tlsStatusOf(undefined, true), {mode: 'auto'})
    assert.deepEqual(tlsStatusOf(undefined, false), {mode: 'off'})
    assert.deepEqual(tlsStatusOf(undefined, undefined), {mode: 'off'})
  })

  it('warns within 14 days of the expiry', () => {
    assert.match(tlsStatusOf(facts, true, new Date('2026-02-20T00:00:00Z')).warning ?? '', /expires in 9 day\(s\)/)
  })
})
