import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {subjectOf, textOf, webhookBody} from './message.js'

const BASE = {app: 'shop', host: 'srv1', at: '2026-12-05T02:30:00Z'}

describe('notification messages', () => {
  it('update available says why it waits and how to install it', () => {
    const n = {...BASE, event: 'update-available' as const, current: '1.0.1', version: '1.1.0', why: 'beyond-policy'}
    assert.equal(subjectOf(n), '[discode] shop: update 1.1.0 available')
    assert.match(textOf(n), /1\.0\.1 is running; 1\.1\.0 is available: the app's policy does not install it automatically/)
    assert.match(textOf(n), /discode update shop/)
  })
  it('update failed has the reason, what serves, and the log tail', () => {
    const n = {
      ...BASE,
      event: 'update-failed' as const,
      current: '1.0.1',
      version: '1.0.2',
      reason: 'health check failed',
      logTail: ['boom'],
    }
    assert.match(textOf(n), /Reason: health check failed/)
    assert.match(textOf(n), /1\.0\.1 keeps serving/)
    assert.match(textOf(n), /auto-update shop --clear/)
    assert.match(textOf(n), /Last log lines:\n {2}boom/)
  })
  it('the webhook body suits Slack (text) and Discord (content, at most 2000 characters)', () => {
    const n = {...BASE, event: 'update-failed' as const, version: '2.0.0', logTail: Array(300).fill('x'.repeat(20))}
    const body = webhookBody(n)
    assert.equal(body.text, textOf(n))
    assert.equal(body.content.length, 2000)
    assert.deepEqual(body.discode, n)
  })
})
