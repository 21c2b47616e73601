import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {judgeStop, stopAdvice} from './stop.js'

describe('judgeStop', () => {
  it('a stop that took the whole timeout and ended in SIGKILL (137) was killed', () => {
    assert.equal(judgeStop(137, 10_050, 10).killed, true)
    assert.equal(judgeStop(137, 30_100, undefined).killed, true)
  })
  it('an app that exited on its signal in time was stopped cleanly', () => {
    assert.equal(judgeStop(0, 300, 10).killed, false)
    assert.equal(judgeStop(143, 200, 10).killed, false)
    // killed by something else, quickly (e.g. OOM): not a stop timeout
    assert.equal(judgeStop(137, 200, 10).killed, false)
  })
  it('the advice names the fix', () => {
    assert.match(stopAdvice('shop-abc', {killed: true, ms: 10_040}, 'SIGTERM'), /ignored SIGTERM for 10 s.*init: true.*stop\.signal/)
  })
})
