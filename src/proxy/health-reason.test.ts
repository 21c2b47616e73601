import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {describeHealthFailure, lastHealthCheckError} from './health-reason.js'

const line = (entry: Record<string, unknown>) => JSON.stringify({time: '2026-12-01T10:00:01Z', level: 'INFO', ...entry})
const refused = 'Get "http://shop-1:80/up": dial tcp 172.18.0.6:80: connect: connection refused'

describe("kamal-proxy's health check log lines", () => {
  it('takes the target from the URL in the error (v0.8, v0.9)', () => {
    const log = [
      line({msg: 'Deploying', service: 'shop', targets: ['shop-1:80']}),
      line({msg: 'Healthcheck failed', error: refused}),
      line({msg: 'Target health updated', target: 'shop-1:80', success: false, state: 'adding'}),
      line({msg: 'Healthcheck failed', error: 'Get "http://other:80/up": dial tcp: lookup other on 127.0.0.11:53: no such host'}),
      line({msg: 'Target health updated', target: 'other:80', success: false, state: 'adding'}),
    ].join('\n')
    assert.equal(lastHealthCheckError(log, 'shop-1:80'), refused)
    assert.match(lastHealthCheckError(log, 'other:80') ?? '', /no such host$/)
    assert.equal(lastHealthCheckError(log, 'nobody:80'), undefined)
  })

  it('pairs a status error with the "Target health updated" line that follows it', () => {
    const log = [
      line({msg: 'Healthcheck failed', error: 'Unexpected status (404)'}),
      line({msg: 'Request', path: '/', status: 200}),
      line({msg: 'Target health updated', target: 'shop-1:80', success: false, state: 'adding'}),
      line({msg: 'Healthcheck failed', error: 'Unexpected status (500)'}),
      line({msg: 'Target health updated', target: 'blog-web:3000', success: false, state: 'adding'}),
    ].join('\n')
    assert.equal(lastHealthCheckError(log, 'shop-1:80'), 'Unexpected status (404)')
    assert.equal(lastHealthCheckError(log, 'blog-web:3000'), 'Unexpected status (500)')
  })

  it('reads the url attribute of later versions and the status attribute of the oldest', () => {
    const log = [
      line({msg: 'Healthcheck failed', url: 'http://shop-1:80/up', error: 'unexpected status (503)'}),
      line({msg: 'Healthcheck failed', status: 404}),
      line({msg: 'Target health updated', target: 'blog:80', success: false, state: 'adding'}),
    ].join('\n')
    assert.equal(lastHealthCheckError(log, 'shop-1:80'), 'unexpected status (503)')
    assert.equal(lastHealthCheckError(log, 'BLOG:80'), 'Unexpected status (404)')
  })

  it('ignores lines before the deploy began, and lines that are not JSON', () => {
    const log = ['panic: something', line({msg: 'Healthcheck failed', error: refused}), '{"broken'].join('\n')
    assert.equal(lastHealthCheckError(log, 'shop-1:80', new Date('2026-12-01T10:00:02Z')), undefined)
    assert.equal(lastHealthCheckError(log, 'shop-1:80', new Date('2026-12-01T10:00:00Z')), refused)
  })
})

describe('health check failures in words', () => {
  const check = {target: 'shop-1:3000', path: '/up', network: 'discode'}

  it('names a status, a refused port, an unknown host and a timeout', () => {
    assert.equal(describeHealthFailure('Unexpected status (404)', check).reason, 'the health check GET /up answered 404')
    assert.equal(describeHealthFailure(refused, check).reason, 'connection refused on port 3000 of shop-1')
    const unknown = describeHealthFailure('Get "http://shop-1:3000/up": dial tcp: lookup shop-1 on 127.0.0.11:53: no such host', check)
    assert.equal(unknown.reason, 'the proxy cannot resolve shop-1')
    assert.match(unknown.hint, /network discode/)
    assert.match(describeHealthFailure('Request timed out', check).reason, /did not answer in time/)
    assert.equal(describeHealthFailure('something new', check).reason, 'the proxy reported: something new')
  })
})
