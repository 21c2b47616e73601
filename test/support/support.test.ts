/**
 * Proves the test fixtures themselves: the services script, the test app images in the local
 * registry, and the HTTP helpers. Needs Docker; runs `bash scripts/services.sh` itself.
 */
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {createServer} from 'node:net'
import {dirname, resolve} from 'node:path'
import {after, before, describe, it} from 'node:test'
import {fileURLToPath} from 'node:url'

import {eventually, httpGet, startFeedServer, startRequestLoop} from './http.js'
import {
  REGISTRY,
  TEST_BODIES,
  TEST_TAGS,
  type TestImages,
  buildAndPushTestImages,
  docker,
  localImageExists,
  removeLocalImage,
} from './images.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const RUN_ID = `${process.pid}-${randomBytes(3).toString('hex')}`
const NETWORK = `discode-support-${RUN_ID}`
const VOLUME = `discode-support-${RUN_ID}-data`

const containers: string[] = []
let networkCreated = false
let volumeCreated = false
let containerSeq = 0

function runServices(): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((done) => {
    execFile('bash', [resolve(ROOT, 'scripts/services.sh')], {cwd: ROOT, timeout: 120_000}, (error, stdout, stderr) => {
      const code = error ? Number((error as NodeJS.ErrnoException).code ?? 1) || 1 : 0
      done({code, stdout: String(stdout), stderr: String(stderr)})
    })
  })
}

/** Start a detached container on the throwaway network with port 80 published on 127.0.0.1. */
async function runApp(ref: string, extra: string[] = []): Promise<{name: string; base: string}> {
  const name = `discode-support-${RUN_ID}-${++containerSeq}`
  containers.push(name)
  await docker([
    'run',
    '-d',
    '--name',
    name,
    '--network',
    NETWORK,
    '--label',
    'discode.test.support=1',
    '-p',
    '127.0.0.1::80',
    ...extra,
    ref,
  ])
  const {stdout} = await docker(['port', name, '80/tcp'])
  const hostPort = stdout.split('\n').find((line) => line.startsWith('127.0.0.1:'))
  assert.ok(hostPort, `no 127.0.0.1 port published: ${stdout}`)
  return {name, base: `http://${hostPort.trim()}`}
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const {port} = server.address() as {port: number}
  await new Promise<void>((done) => server.close(() => done()))
  return port
}

describe('test fixtures', () => {
  let images: TestImages

  before(async () => {
    const first = await runServices()
    assert.equal(first.code, 0, `services.sh failed:\n${first.stdout}${first.stderr}`)
  })

  after(async () => {
    for (const name of containers) await docker(['rm', '-f', '-v', name]).catch(() => {})
    if (volumeCreated) await docker(['volume', 'rm', '-f', VOLUME]).catch(() => {})
    if (networkCreated) await docker(['network', 'rm', NETWORK]).catch(() => {})
  })

  it('services.sh is idempotent and the registry answers /v2/', async () => {
    const again = await runServices()
    assert.equal(again.code, 0, again.stderr)
    assert.match(again.stdout, /^docker: already running/m)
    assert.match(again.stdout, /^registry: already running at /m)
    const v2 = await httpGet(`http://${REGISTRY}/v2/`)
    assert.equal(v2.status, 200)
  })

  it('buildAndPushTestImages pushes every tag, and is fast the second time', async () => {
    images = await buildAndPushTestImages()
    assert.equal(images.repository, `${REGISTRY}/discode-test/app`)
    const started = Date.now()
    const again = await buildAndPushTestImages()
    const seconds = (Date.now() - started) / 1000
    assert.deepEqual(again, images)
    assert.ok(seconds < 30, `cached rebuild + push took ${seconds} s`)

    const list = await httpGet(`http://${REGISTRY}/v2/discode-test/app/tags/list`)
    assert.equal(list.status, 200)
    const listed = (JSON.parse(list.body) as {tags: string[]}).tags
    for (const tag of TEST_TAGS) {
      assert.ok(listed.includes(tag), `tag ${tag} missing from registry: ${list.body}`)
      assert.equal(images.tags[tag], `${REGISTRY}/discode-test/app:${tag}`)
    }
  })

  it('after removeLocalImage, docker pull is a real pull from the registry', async () => {
    const ref = images.tags['1.1.0']
    const {stdout: id} = await docker(['image', 'inspect', '--format', '{{.Id}}', ref])
    await removeLocalImage(ref)
    await removeLocalImage(ref) // missing image: ignored
    assert.equal(await localImageExists(ref), false)
    const pull = await docker(['pull', ref])
    assert.match(pull.stdout, /Downloaded newer image/)
    const {stdout: pulledId} = await docker(['image', 'inspect', '--format', '{{.Id}}', ref])
    assert.equal(pulledId, id)
  })

  it('the 1.0.0 app serves /, /up, a slow CGI endpoint and a mounted volume, and stops gracefully', async () => {
    await docker(['network', 'create', '--label', 'discode.test.support=1', NETWORK])
    networkCreated = true
    await docker(['volume', 'create', '--label', 'discode.test.support=1', VOLUME])
    volumeCreated = true
    const app = await runApp(images.tags['1.0.0'], ['-v', `${VOLUME}:/www/data`])

    const up = await eventually(
      async () => {
        const res = await httpGet(`${app.base}/up`, {timeoutMs: 2000})
        return res.status === 200 ? res : undefined
      },
      {timeoutMs: 20_000},
    )
    assert.equal(up.status, 200)
    assert.deepEqual(await httpGet(`${app.base}/`), {status: 200, body: 'version=1.0.0\n'})
    // a Host header is accepted (the proxy sends the app's host name)
    assert.equal((await httpGet(`${app.base}/`, {host: 'app.test'})).body, TEST_BODIES['1.0.0'])

    const started = performance.now()
    const slow = await httpGet(`${app.base}/cgi-bin/slow?ms=300`)
    const elapsed = performance.now() - started
    assert.equal(slow.status, 200)
    assert.match(slow.body, /slept=300/)
    assert.ok(elapsed >= 300, `slow endpoint answered after ${elapsed} ms`)

    await docker(['exec', app.name, 'sh', '-c', 'echo from-volume > /www/data/hello.txt'])
    assert.deepEqual(await httpGet(`${app.base}/data/hello.txt`), {status: 200, body: 'from-volume\n'})

    // docker stop: a request in flight completes, the container exits 0, quickly
    const inflight = httpGet(`${app.base}/cgi-bin/slow?ms=1500`)
    await new Promise((done) => setTimeout(done, 300))
    const stopStarted = Date.now()
    await docker(['stop', '--time', '10', app.name])
    const stopSeconds = (Date.now() - stopStarted) / 1000
    assert.equal((await inflight).status, 200)
    assert.ok(stopSeconds < 8, `docker stop took ${stopSeconds} s`)
    const {stdout: exitCode} = await docker(['inspect', '--format', '{{.State.ExitCode}}', app.name])
    assert.equal(exitCode.trim(), '0')
  })

  it('the unhealthy app serves / but answers 404 on /up', async () => {
    const app = await runApp(images.tags.unhealthy)
    const home = await eventually(() => httpGet(`${app.base}/`, {timeoutMs: 2000}), {timeoutMs: 20_000})
    assert.deepEqual(home, {status: 200, body: TEST_BODIES.unhealthy})
    assert.equal((await httpGet(`${app.base}/up`)).status, 404)
  })

  it('the crash app exits non-zero with a message on stderr', async () => {
    const name = `discode-support-${RUN_ID}-crash`
    containers.push(name)
    await assert.rejects(
      docker(['run', '--name', name, '--network', NETWORK, '--label', 'discode.test.support=1', images.tags.crash]),
      (error: Error & {stderr?: string}) => /boom: config missing/.test(error.stderr ?? ''),
    )
    const {stdout} = await docker(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', name])
    assert.equal(stdout.trim(), 'exited 3')
  })

  it('the feed server serves and changes content, with status, delay and a request count', async () => {
    const feed = await startFeedServer({releases: [{version: '1.0.0'}]})
    try {
      assert.match(feed.url, /^http:\/\/127\.0\.0\.1:\d+\//)
      const first = await httpGet(feed.url)
      assert.equal(first.status, 200)
      assert.deepEqual(JSON.parse(first.body), {releases: [{version: '1.0.0'}]})

      feed.setFeed({releases: [{version: '1.1.0'}]})
      assert.deepEqual(JSON.parse((await httpGet(feed.url)).body), {releases: [{version: '1.1.0'}]})

      feed.setRaw('not json', {status: 503, delayMs: 200, contentType: 'text/plain'})
      const started = performance.now()
      assert.deepEqual(await httpGet(feed.url), {status: 503, body: 'not json'})
      assert.ok(performance.now() - started >= 190)
      await assert.rejects(httpGet(feed.url, {timeoutMs: 50}), /timeout/)
      assert.equal(feed.requests, 4)
    } finally {
      await feed.close()
    }
    const empty = await startFeedServer()
    try {
      assert.equal((await httpGet(empty.url)).status, 404)
    } finally {
      await empty.close()
    }
  })

  it('the request loop counts bodies, then failures (non-2xx, closed port)', async () => {
    const feed = await startFeedServer({v: 1})
    try {
      const loop = startRequestLoop(feed.url, {concurrency: 3})
      await eventually(async () => loop.snapshot().total >= 20)
      feed.setRaw('down', {status: 502, contentType: 'text/plain'})
      await eventually(async () => loop.snapshot().failures >= 5)
      const result = await loop.stop()
      assert.equal(await loop.stop(), await loop.stop()) // stop() is idempotent
      assert.ok(result.bodies.get('{\n  "v": 1\n}\n')! >= 20, JSON.stringify([...result.bodies]))
      assert.equal(result.bodies.size, 1)
      assert.ok(result.failures >= 5)
      assert.match(result.failureSamples[0], /^502 down/)
      assert.ok(result.failureSamples.length <= 20)
      const total = result.total
      await new Promise((done) => setTimeout(done, 100))
      assert.equal(loop.snapshot().total, total, 'loop kept running after stop()')
    } finally {
      await feed.close()
    }

    const port = await freePort()
    const dead = startRequestLoop(`http://127.0.0.1:${port}/`, {timeoutMs: 1000})
    await new Promise((done) => setTimeout(done, 300))
    const result = await dead.stop()
    assert.ok(result.total > 0)
    assert.equal(result.failures, result.total)
    assert.equal(result.bodies.size, 0)
    assert.match(result.failureSamples[0], /ECONNREFUSED/)
  })

  it('eventually returns the first truthy value, and times out with the last error', async () => {
    let calls = 0
    assert.equal(await eventually(async () => (++calls >= 3 ? 'ok' : ''), {intervalMs: 10}), 'ok')
    assert.equal(calls, 3)
    await assert.rejects(
      eventually(
        async () => {
          throw new Error('not yet')
        },
        {timeoutMs: 100, intervalMs: 20},
      ),
      /timed out after 100 ms \(last error: not yet\)/,
    )
  })
})
