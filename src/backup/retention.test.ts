import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {planPrune} from './retention.js'

const snap = (id: string, createdAt: string) => ({id, createdAt})

describe('planPrune', () => {
  const snapshots = [
    snap('b', '2026-01-02T00:00:00Z'),
    snap('d', '2026-01-04T00:00:00Z'),
    snap('a', '2026-01-01T00:00:00Z'),
    snap('c', '2026-01-03T00:00:00Z'),
  ]

  it('keeps the newest N whatever the order given', () => {
    assert.deepEqual(
      planPrune(snapshots, 2).map((s) => s.id),
      ['b', 'a'],
    )
  })

  it('prunes nothing when there are N or fewer', () => {
    assert.deepEqual(planPrune(snapshots, 4), [])
    assert.deepEqual(planPrune(snapshots, 10), [])
  })

  it('never prunes a protected snapshot, and protected ones do not count', () => {
    assert.deepEqual(
      planPrune(snapshots, 1, new Set(['a'])).map((s) => s.id),
      ['c', 'b'],
    )
  })

  it('refuses a keep below 1', () => {
    assert.throws(() => planPrune(snapshots, 0), RangeError)
  })

  it('orders snapshots of the same second by id', () => {
    const same = [snap('x-1', '2026-01-01T00:00:00Z'), snap('x-2', '2026-01-01T00:00:00Z')]
    assert.deepEqual(
      planPrune(same, 1).map((s) => s.id),
      ['x-1'],
    )
  })
})
