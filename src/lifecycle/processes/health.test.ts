import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {judgeProcess} from './health.js'

const limits = {timeoutMs: 10_000, settleMs: 3000}

describe('judgeProcess', () => {
  it('without a health command: healthy once it still runs after the settle time', () => {
    assert.deepEqual(judgeProcess({running: true, restarted: false, elapsedMs: 1000}, limits), {healthy: false})
    assert.deepEqual(judgeProcess({running: true, restarted: false, elapsedMs: 3000}, limits), {healthy: true})
  })

  it('with one: healthy as soon as it passes, failed when it still fails at the timeout', () => {
    assert.deepEqual(judgeProcess({running: true, restarted: false, checkPassed: true, elapsedMs: 10}, limits), {healthy: true})
    assert.deepEqual(judgeProcess({running: true, restarted: false, checkPassed: false, elapsedMs: 5000}, limits), {healthy: false})
    assert.deepEqual(judgeProcess({running: true, restarted: false, checkPassed: false, elapsedMs: 10_000}, limits), {
      healthy: false,
      failed: 'not healthy within 10s (its health command fails)',
    })
  })

  it('a container that exited, restarted or disappeared has failed at once', () => {
    assert.deepEqual(judgeProcess({running: false, restarted: false, exitCode: 3, elapsedMs: 10}, limits), {
      healthy: false,
      failed: 'it exited with code 3',
    })
    assert.equal(judgeProcess({running: true, restarted: true, exitCode: 1, elapsedMs: 5000}, limits).healthy, false)
    assert.match(String((judgeProcess({restarted: false, elapsedMs: 0}, limits) as {failed?: string}).failed), /disappeared/)
  })
})
