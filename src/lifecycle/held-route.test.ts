import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {canResume} from './held-route.js'

describe('canResume', () => {
  const pausedOn = {id: 'a', startedAt: 't1', running: true}
  it('resumes on the proxy run that paused', () => assert.equal(canResume(pausedOn, {...pausedOn}), true))
  it('re-creates the route after a restart (kamal-proxy panics resuming a restored pause)', () =>
    assert.equal(canResume(pausedOn, {...pausedOn, startedAt: 't2'}), false))
  it('re-creates it after the proxy was recreated, or when it is down', () => {
    assert.equal(canResume(pausedOn, {...pausedOn, id: 'b'}), false)
    assert.equal(canResume(pausedOn, {...pausedOn, running: false}), false)
    assert.equal(canResume(pausedOn, undefined), false)
    assert.equal(canResume(undefined, pausedOn), false)
  })
})
