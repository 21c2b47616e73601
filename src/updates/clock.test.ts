import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {clockNow} from './clock.js'

describe('clockNow', () => {
  const real = () => new Date('2030-01-01T00:00:00Z')
  it('the flag wins over DISCODE_NOW, which wins over the real clock', () => {
    assert.equal(clockNow('2026-12-05T01:30:00Z', {DISCODE_NOW: '2027-01-01T00:00:00Z'}, real).toISOString(), '2026-12-05T01:30:00.000Z')
    assert.equal(clockNow(undefined, {DISCODE_NOW: '2027-01-01T00:00:00Z'}, real).toISOString(), '2027-01-01T00:00:00.000Z')
    assert.equal(clockNow(undefined, {}, real).toISOString(), '2030-01-01T00:00:00.000Z')
  })
  it('refuses a time that is not ISO 8601, naming where it came from', () => {
    assert.throws(() => clockNow('saturday', {}, real), /--now "saturday" is not an ISO 8601 time/)
    assert.throws(() => clockNow(undefined, {DISCODE_NOW: 'soon'}, real), /DISCODE_NOW "soon"/)
  })
})
