import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {type RetryClock, retryUntil} from './retry.js'

function fakeClock(): RetryClock & {slept: number[]} {
  let now = 0
  const slept: number[] = []
  return {slept, now: () => now, sleep: async (ms) => void (slept.push(ms), (now += ms))}
}

describe('retryUntil', () => {
  it('returns the first success, waiting between failed attempts', async () => {
    const clock = fakeClock()
    let calls = 0
    const result = await retryUntil(
      async () => {
        if (++calls < 3) throw new Error('not yet')
        return 'ok'
      },
      {timeoutMs: 10_000, intervalMs: 100, clock},
    )
    assert.equal(result, 'ok')
    assert.deepEqual(clock.slept, [100, 100])
  })

  it('throws the last error once the deadline has passed', async () => {
    const clock = fakeClock()
    let calls = 0
    await assert.rejects(
      retryUntil(
        async () => {
          throw new Error(`attempt ${++calls}`)
        },
        {timeoutMs: 1000, intervalMs: 250, clock},
      ),
      /attempt 6/,
    )
  })
})
