import assert from 'node:assert/strict'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {after, before, describe, it} from 'node:test'

import {postWebhook} from './webhook.js'

/** A receiver on 127.0.0.1 that answers each request with the next status of a script. */
let server: Server
let base: string
let script: number[] = []
const received: unknown[] = []

before(async () => {
  server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => (body += chunk))
    request.on('end', () => {
      received.push(JSON.parse(body))
      const status = script.shift() ?? 200
      if (status === 0) return // never answers: the client's timeout must end it
      response.writeHead(status).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

after(() => {
  server.closeAllConnections()
  server.close()
})

const FAST = {backoffMs: 10, timeoutMs: 300}

describe('postWebhook', () => {
  it('posts the JSON body', async () => {
    received.length = 0
    await postWebhook(`${base}/hook`, {text: 'hello'}, FAST)
    assert.deepEqual(received, [{text: 'hello'}])
  })
  it('retries 5xx, 429 and timeouts, then succeeds', async () => {
    received.length = 0
    script = [503, 429, 0]
    await postWebhook(`${base}/hook`, {n: 1}, {...FAST, attempts: 4})
    assert.equal(received.length, 4)
  })
  it('gives up after the attempts, naming the host but not the path (it may hold a token)', async () => {
    received.length = 0
    script = [500, 500, 500]
    await assert.rejects(postWebhook(`${base}/services/T0KEN`, {}, {...FAST, attempts: 3}), (error: Error) => {
      assert.match(error.message, /webhook 127\.0\.0\.1:\d+ failed: HTTP 500/)
      assert.equal(error.message.includes('T0KEN'), false)
      return true
    })
    assert.equal(received.length, 3)
  })
  it('does not retry a 4xx that will not get better', async () => {
    received.length = 0
    script = [404]
    await assert.rejects(postWebhook(`${base}/hook`, {}, FAST), /HTTP 404/)
    assert.equal(received.length, 1)
  })
})
