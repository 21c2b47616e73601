import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {checkTimeZone, isWindowOpen, parseWindow, wallClock} from './window.js'

describe('parseWindow', () => {
  it('reads days and times', () => {
    assert.deepEqual(parseWindow('Sat,Sun 02:00-05:00'), {days: [0, 6], start: 120, end: 300})
    assert.deepEqual(parseWindow('Mon-Fri 22:00-02:00'), {days: [1, 2, 3, 4, 5], start: 1320, end: 120})
    assert.deepEqual(parseWindow('03:00-04:30'), {days: [0, 1, 2, 3, 4, 5, 6], start: 180, end: 270})
    assert.deepEqual(parseWindow('saturday, sunday 2:00 - 5:00').days, [0, 6])
    assert.deepEqual(parseWindow('Fri-Mon 01:00-02:00').days, [0, 1, 5, 6], 'a range across the week end')
    assert.deepEqual(parseWindow('daily 20:00-24:00'), {days: [0, 1, 2, 3, 4, 5, 6], start: 1200, end: 1440})
  })

  it('refuses what is not a window, with a hint', () => {
    for (const [spec, why] of [
      ['weekends', /is not a window/],
      ['Sat 25:00-26:00', /not HH:MM/],
      ['Sat 02:60-03:00', /not HH:MM/],
      ['Sat 02:00-02:00', /is empty/],
      ['Caturday 02:00-03:00', /"caturday", which is not a day/],
    ] as const) {
      assert.throws(
        () => parseWindow(spec),
        (error: Error & {hint?: string; code?: string}) =>
          why.test(error.message) && error.code === 'BAD_WINDOW' && /Sat,Sun/.test(error.hint ?? ''),
        spec,
      )
    }
  })
})

describe('checkTimeZone', () => {
  it('accepts IANA names and refuses others', () => {
    assert.equal(checkTimeZone('Europe/Berlin'), 'Europe/Berlin')
    assert.equal(checkTimeZone('UTC'), 'UTC')
    assert.throws(() => checkTimeZone('Mars/Olympus'), /"Mars\/Olympus" is not a time zone/)
  })
})

describe('isWindowOpen', () => {
  const weekend = parseWindow('Sat,Sun 02:00-05:00')
  it('converts to the zone (winter: Berlin is UTC+1)', () => {
    // Saturday 2026-12-05 01:30 UTC = 02:30 in Berlin: open; in UTC it is 01:30: closed.
    const now = new Date('2026-12-05T01:30:00Z')
    assert.deepEqual(wallClock(now, 'Europe/Berlin'), {day: 6, minute: 150})
    assert.equal(isWindowOpen(weekend, 'Europe/Berlin', now), true)
    assert.equal(isWindowOpen(weekend, 'UTC', now), false)
  })
  it('follows summer time (Berlin is UTC+2 in July)', () => {
    assert.equal(isWindowOpen(weekend, 'Europe/Berlin', new Date('2026-07-04T00:30:00Z')), true, '02:30 local')
    assert.equal(isWindowOpen(weekend, 'Europe/Berlin', new Date('2026-07-04T03:00:00Z')), false, '05:00 local: the end is excluded')
  })
  it('a day that is not listed is closed', () => {
    assert.equal(isWindowOpen(weekend, 'Europe/Berlin', new Date('2026-12-07T02:30:00Z')), false, 'Monday')
  })
  it('a window past midnight belongs to the day it starts on', () => {
    const nights = parseWindow('Fri 22:00-02:00')
    assert.equal(isWindowOpen(nights, 'UTC', new Date('2026-12-04T23:00:00Z')), true, 'Friday 23:00')
    assert.equal(isWindowOpen(nights, 'UTC', new Date('2026-12-05T01:00:00Z')), true, 'Saturday 01:00')
    assert.equal(isWindowOpen(nights, 'UTC', new Date('2026-12-06T01:00:00Z')), false, 'Sunday 01:00')
    assert.equal(isWindowOpen(nights, 'UTC', new Date('2026-12-04T01:00:00Z')), false, 'Friday 01:00 (Thursday night is not listed)')
  })
  it('a zone far from UTC moves the day', () => {
    // Friday 2026-12-04 23:30 UTC is Saturday 08:30 in Tokyo.
    assert.equal(isWindowOpen(parseWindow('Sat 08:00-10:00'), 'Asia/Tokyo', new Date('2026-12-04T23:30:00Z')), true)
  })
})
