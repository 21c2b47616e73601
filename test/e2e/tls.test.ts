/**
 * HTTPS with the customer's own certificate, end to end through the kamal-proxy stand-in on 127.0.0.1:
 * a test CA made with openssl, one certificate per app chosen by SNI, HTTP redirected to HTTPS, bad
 * pairs refused with the pair in use still serving, and a rotation under a request loop with 0 failures.
 */
import assert from 'node:assert/strict'
import {X509Certificate} from 'node:crypto'
import {readFileSync, statSync} from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import type {TLSSocket} from 'node:tls'
import {join} from 'node:path'
import {before, describe, it} from 'node:test'

import {discode, discodeJson, type World, writeRecipe} from '../support/discode.js'
import {docker} from '../support/images.js'
import {createTestCa, type IssuedPair, type TestCa} from '../support/test-ca.js'
import {installed, useWorld} from '../support/world.js'

const A = {app: 'tls-a', host: 'tls-a.test'}
const B = {app: 'tls-b', host: 'tls-b.test'}

interface Answer {
  status: number
  body: string
  /** SHA-256 fingerprint of the certificate the proxy presented (colon-separated hex, as node gives it). */
  fingerprint: string
}

describe('HTTPS with the customer’s own certificate', () => {
  const {world, feed, cleanup} = useWorld('tls')
  let recipeDir: string
  let ca: TestCa
  let pairA: IssuedPair
  let pairB: IssuedPair

  const httpsPort = () => Number(world.env.DISCODE_PROXY_HTTPS_PORT)
  const fingerprintOf = (pair: IssuedPair) => new X509Certificate(pair.cert).fingerprint256

  function httpsGet(host: string, path = '/'): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const request = https.get(
        {host: '127.0.0.1', port: httpsPort(), path, servername: host, headers: {Host: host}, ca: ca.root, agent: false, timeout: 10_000},
        (res) => {
          const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256
          let body = ''
          res.setEncoding('utf8')
          res.on('data', (chunk: string) => (body += chunk))
          res.on('end', () => resolve({status: res.statusCode ?? 0, body, fingerprint}))
          res.on('error', reject)
        },
      )
      request.on('timeout', () => request.destroy(new Error('request timed out')))
      request.on('error', reject)
    })
  }

  /** The app with its pair, as the second test installs it (installed here when a test runs alone). */
  const withPair = (app: typeof A, pair: IssuedPair) =>
    installed(world, '1.0.0', {recipe: recipeDir, ...app, args: ['--tls-cert', pair.certFile, '--tls-key', pair.keyFile]})

  before(() => {
    recipeDir = writeRecipe(join(world.home, 'recipes', 'testapp'), feed.url, {proxy: {host: '{{inputs.hostname}}', tls: 'custom'}})
    ca = createTestCa()
    pairA = ca.issue('a', [A.host])
    pairB = ca.issue('b', [B.host])
    cleanup(() => ca.remove())
  })

  it('install refuses a tls: custom recipe without a certificate, before touching anything', async () => {
    const result = await discode(world, ['install', A.app, '--recipe', recipeDir, '--set', `hostname=${A.host}`])
    assert.equal(result.code, 1)
    assert.match(result.stderr, /Error: The recipe testapp serves HTTPS with your own certificate \(proxy\.tls: custom\)/)
    assert.match(result.stderr, /Hint: Pass it: discode install tls-a --tls-cert FILE --tls-key FILE/)
  })

  it('install with a pair serves HTTPS with that certificate, per host (SNI); the key is kept 0600 and never shown', async () => {
    for (const [{app, host}, pair] of [
      [A, pairA],
      [B, pairB],
    ] as const) {
      const args = [
        'install',
        app,
        '--recipe',
        recipeDir,
        '--set',
        `hostname=${host}`,
        '--tls-cert',
        pair.certFile,
        '--tls-key',
        pair.keyFile,
      ]
      const {code, json, stderr} = await discodeJson(world, args)
      assert.equal(code, 0, stderr)
      assert.ok(!JSON.stringify(json).includes('PRIVATE KEY') && !stderr.includes('PRIVATE KEY'), 'the key is never printed')
      assert.equal(json.certificate.subject, `CN=${host}`)
    }
    const a = await httpsGet(A.host)
    assert.deepEqual({status: a.status, body: a.body}, {status: 200, body: 'version=1.0.0\n'})
    assert.equal(a.fingerprint, fingerprintOf(pairA))
    assert.equal((await httpsGet(B.host)).fingerprint, fingerprintOf(pairB))

    const keyFile = join(world.home, 'apps', A.app, 'tls', 'key.pem')
    assert.equal(statSync(keyFile).mode & 0o777, 0o600)
    assert.equal(readFileSync(keyFile, 'utf8'), pairA.key)
    const proxy = (await docker(['inspect', world.proxyContainer])).stdout
    assert.ok(!proxy.includes('PRIVATE KEY'), 'the key is not in the proxy container’s labels, env or args')
    const processes = (await docker(['top', world.proxyContainer, '-o', 'pid,args'])).stdout
    assert.ok(!processes.includes('PRIVATE'), processes)
  })

  it('redirects HTTP to HTTPS', async () => {
    await withPair(A, pairA)
    const plain = await httpGetRaw(world, A.host)
    assert.equal(plain.status, 301)
    assert.match(plain.location ?? '', new RegExp(`^https://${A.host.replace('.', '\\.')}`))
  })

  it('status shows the TLS mode and the certificate expiry', async () => {
    await withPair(A, pairA)
    const {json} = await discodeJson(world, ['status', A.app, '--offline'])
    assert.equal(json.apps[0].tls.mode, 'custom')
    assert.equal(json.apps[0].tls.expires, new Date(new X509Certificate(pairA.cert).validTo).toISOString())
    const text = await discode(world, ['status', '--offline'])
    assert.match(text.stdout, /custom until \d{4}-\d\d-\d\d/)
  })

  it('refuses a bad pair with a clear error, and the pair in use keeps serving', async () => {
    await withPair(A, pairA)
    const otherHost = await discode(world, ['update', A.app, '--tls-cert', pairB.certFile, '--tls-key', pairB.keyFile])
    assert.equal(otherHost.code, 1)
    assert.match(otherHost.stderr, /Error: The certificate does not cover tls-a\.test \(it is for tls-b\.test\)/)
    const mismatch = await discode(world, ['update', A.app, '--tls-cert', pairA.certFile, '--tls-key', pairB.keyFile])
    assert.equal(mismatch.code, 1)
    assert.match(mismatch.stderr, /Error: The private key does not belong to the certificate/)
    assert.ok(!`${otherHost.stderr}${mismatch.stderr}`.includes('PRIVATE KEY'))
    assert.equal((await httpsGet(A.host)).fingerprint, fingerprintOf(pairA))
    assert.equal(readFileSync(join(world.home, 'apps', A.app, 'tls', 'key.pem'), 'utf8'), pairA.key)
  })

  it('rotates the certificate with no new release, under a request loop, with 0 failed requests', async () => {
    await withPair(A, pairA)
    await withPair(B, pairB)
    const renewed = ca.issue('a2', [A.host])
    const loop = httpsLoop(() => httpsGet(A.host))
    const result = await discodeJson(world, ['update', A.app, '--tls-cert', renewed.certFile, '--tls-key', renewed.keyFile])
    await new Promise((resolve) => setTimeout(resolve, 500))
    const seen = await loop.stop()
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.json.status, 'up-to-date')
    assert.equal(result.json.rerouted, true)
    assert.ok(seen.total > 10, `the loop sent only ${seen.total} requests`)
    assert.deepEqual(seen.failures, [])
    assert.ok(
      seen.fingerprints.has(fingerprintOf(pairA)) && seen.fingerprints.has(fingerprintOf(renewed)),
      'the loop saw both certificates',
    )
    assert.equal((await httpsGet(A.host)).fingerprint, fingerprintOf(renewed))
    assert.equal((await httpsGet(B.host)).fingerprint, fingerprintOf(pairB), 'the other app keeps its own')
  })

  it('tls: auto sends --tls without a certificate: kamal-proxy would get one from ACME (out of reach here)', async () => {
    const autoDir = writeRecipe(join(world.home, 'recipes', 'auto'), feed.url, {proxy: {host: '{{inputs.hostname}}', tls: true}})
    const {code, stderr} = await discodeJson(world, ['install', 'tls-c', '--recipe', autoDir, '--set', 'hostname=tls-c.test'])
    assert.equal(code, 0, stderr)
    const {json} = await discodeJson(world, ['status', 'tls-c', '--offline'])
    assert.deepEqual(json.apps[0].tls, {mode: 'auto'})
    assert.equal(json.apps[0].route.tls, true, 'the proxy has the route with TLS on')
    assert.equal((await httpGetRaw(world, 'tls-c.test')).status, 301)
  })
})

/** A plain HTTP GET that reports a redirect instead of following it. */
async function httpGetRaw(world: World, host: string): Promise<{status: number; location?: string}> {
  return new Promise((resolve, reject) => {
    http
      .get(`${world.url}/`, {headers: {Host: host}, agent: false}, (res) => {
        res.resume()
        resolve({status: res.statusCode ?? 0, location: res.headers.location})
      })
      .on('error', reject)
  })
}

/** Fresh HTTPS connections in a loop (each handshake picks the certificate anew), 3 at a time. */
function httpsLoop(get: () => Promise<Answer>) {
  let stopped = false
  const seen = {total: 0, failures: [] as string[], fingerprints: new Set<string>()}
  const worker = async () => {
    while (!stopped) {
      try {
        const answer = await get()
        if (answer.status !== 200) seen.failures.push(`${answer.status} ${answer.body.slice(0, 100)}`)
        seen.fingerprints.add(answer.fingerprint)
      } catch (error) {
        seen.failures.push((error as Error).message)
      }
      seen.total++
    }
  }
  const workers = Promise.all([worker(), worker(), worker()])
  return {
    async stop() {
      stopped = true
      await workers
      return seen
    },
  }
}
