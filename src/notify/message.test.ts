import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {redactNotification, subjectOf, textOf, webhookBody} from './message.js'

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

  it('carries no secret: reason and log lines are redacted, also base64- and URL-encoded', () => {
    const secret = 'f00dcafe-s3cret-value'
    const n = {
      ...BASE,
      event: 'update-failed' as const,
      version: '2.0.0',
      reason: `preSwitch hook "migrate" failed (exit 3): token=${secret}`,
      logTail: [
        `curl -u admin:${secret} http://db`,
        `Authorization: Basic ${Buffer.from(secret).toString('base64')}`,
        `q=${encodeURIComponent(secret + '/x')}`,
      ],
    }
    const clean = redactNotification(n, [secret])
    const everything = JSON.stringify(webhookBody(clean)) + subjectOf(clean) + textOf(clean)
    assert.equal(everything.includes(secret) || everything.includes(Buffer.from(secret).toString('base64')), false)
    assert.match(clean.reason ?? '', /token=\[REDACTED\]/)
    assert.equal(clean.version, '2.0.0')
    assert.equal(clean.logTail?.length, 3)
  })
})
