import assert from 'node:assert/strict'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {after, before, describe, it} from 'node:test'
import {DiscodeError} from '../errors.js'
import {chooseRelease, FeedError, fetchFeed, isPinnedByDigest, parseFeed, type Feed, type Release} from './feed.js'

const DIGEST = 'a'.repeat(64)
const GOOD_FEED = {
  releases: [
    {version: '1.0.0', image: 'registry.example.com/acme/demo:1.0.0'},
    {version: '1.1.0', image: `registry.example.com/acme/demo@sha256:${DIGEST}`, channel: 'stable', notes: 'Faster'},
  ],
  published: '2025-01-01T00:00:00Z',
  vendor: 'acme',
}

type Handler = (request: IncomingMessage, response: ServerResponse) => void

/** A local server whose routes each answer one way. */
const routes: Record<string, Handler> = {
  '/good.json': (_, response) => json(response, GOOD_FEED),
  '/auth.json': (request, response) => json(response, {releases: [], authorization: request.headers.authorization ?? null}),
  '/slow.json': () => {},
  '/slow-body.json': (_, response) => {
    response.writeHead(200, {'content-type': 'application/json'})
    response.write('{"releases": [')
  },
  '/error.json': (_, response) => {
    response.writeHead(500, 'Internal Server Error')
    response.end('oops')
  },
  '/huge-declared.json': (_, response) => json(response, {releases: [], padding: 'x'.repeat(4096)}),
  '/huge-streamed.json': (_, response) => {
    response.writeHead(200, {'content-type': 'application/json'})
    const chunk = ' '.repeat(1024)
    for (let i = 0; i < 64; i++) response.write(chunk)
    response.end('{"releases": []}')
  },
  '/html.json': (_, response) => {
    response.writeHead(200, {'content-type': 'text/html'})
    response.end('<html>not a feed</html>')
  },
  '/bad-semver.json': (_, response) =>
    json(response, {releases: [GOOD_FEED.releases[0], GOOD_FEED.releases[1], {version: '1.2', image: 'acme/demo:1.2'}]}),
  '/bad-image.json': (_, response) => json(response, {releases: [{version: '1.0.0', image: 'Not An Image'}]}),
  '/duplicate.json': (_, response) => json(response, {releases: [GOOD_FEED.releases[0], {...GOOD_FEED.releases[0]}]}),
}

function json(response: ServerResponse, body: unknown): void {
  response.writeHead(200, {'content-type': 'application/json'})
  response.end(JSON.stringify(body))
}

let server: Server
let base: string

before(async () => {
  server = createServer((request, response) => {
    const handler = routes[request.url ?? '']
    if (handler) handler(request, response)
    else response.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

after(() => {
  server.closeAllConnections()
  server.close()
})

async function fetchError(url: string, options?: Parameters<typeof fetchFeed>[1]): Promise<FeedError> {
  try {
    await fetchFeed(url, options)
  } catch (error) {
    assert.ok(error instanceof FeedError, `expected a FeedError, got ${error}`)
    assert.ok(!error.message.includes('\n'), 'the message is one line')
    return error
  }
  assert.fail('fetchFeed should have failed')
}

/** A port nothing listens on: open a server, note its port, close it. */
async function closedPort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const {port} = probe.address() as AddressInfo
  await new Promise((resolve) => probe.close(resolve))
  return port
}

describe('fetchFeed', () => {
  it('returns the validated feed and the exact bytes received', async () => {
    const {feed, raw} = await fetchFeed(`${base}/good.json`)
    assert.deepEqual(JSON.parse(raw.toString()), GOOD_FEED)
    assert.equal(feed.releases[0].channel, 'stable', 'channel defaults to stable')
    assert.equal(feed.releases[1].notes, 'Faster')
    assert.equal(feed.vendor, 'acme', 'unknown top-level keys are kept')
    assert.equal(feed.published, '2025-01-01T00:00:00Z')
  })

  it('says a refused connection is unreachable, with a hint', async () => {
    const error = await fetchError(`http://127.0.0.1:${await closedPort()}/feed.json`)
    assert.match(error.message, /^feed http:\/\/127\.0\.0\.1:\d+\/feed\.json is unreachable: connection refused$/)
    assert.equal(error.code, 'FEED_UNREACHABLE')
    assert.match(error.hint ?? '', /check the network or the recipe's feed URL/i)
  })

  it('gives up on a server that does not answer', async () => {
    const error = await fetchError(`${base}/slow.json`, {timeoutMs: 50})
    assert.equal(error.message, `feed ${base}/slow.json did not answer within 50ms`)
    assert.equal(error.code, 'FEED_TIMEOUT')
  })

  it('gives up on a body that never ends', async () => {
    const error = await fetchError(`${base}/slow-body.json`, {timeoutMs: 200})
    assert.equal(error.code, 'FEED_TIMEOUT')
  })

  it('reports a non-2xx status', async () => {
    const error = await fetchError(`${base}/error.json`)
    assert.equal(error.message, `feed ${base}/error.json answered HTTP 500 Internal Server Error`)
    assert.equal((await fetchError(`${base}/missing.json`)).code, 'FEED_HTTP_STATUS')
  })

  it('refuses a body larger than maxBytes, declared or streamed', async () => {
    const declared = await fetchError(`${base}/huge-declared.json`, {maxBytes: 1024})
    assert.equal(declared.message, `feed ${base}/huge-declared.json is larger than 1 KiB`)
    const streamed = await fetchError(`${base}/huge-streamed.json`, {maxBytes: 32 * 1024})
    assert.equal(streamed.code, 'FEED_TOO_LARGE')
  })

  it('refuses a body that is not JSON', async () => {
    const error = await fetchError(`${base}/html.json`)
    assert.match(error.message, /^feed .*\/html\.json is not JSON \(/)
    assert.equal(error.code, 'FEED_NOT_JSON')
  })

  it('names the release and key of a schema problem', async () => {
    const error = await fetchError(`${base}/bad-semver.json`)
    assert.equal(error.message, `feed ${base}/bad-semver.json: releases[2].version: "1.2" is not semver`)
    assert.match((await fetchError(`${base}/bad-image.json`)).message, /releases\[0\]\.image: "Not An Image" is not an image reference/)
    assert.match((await fetchError(`${base}/duplicate.json`)).message, /releases\[1\]\.version: 1\.0\.0 is listed twice/)
  })

  it('sends URL credentials as a header and never shows them', async () => {
    const {feed} = await fetchFeed(base.replace('http://', 'http://user:s3cret@') + '/auth.json')
    assert.equal(feed.authorization, `Basic ${Buffer.from('user:s3cret').toString('base64')}`)
    const error = await fetchError(base.replace('http://', 'http://user:s3cret@') + '/error.json')
    assert.ok(!error.message.includes('s3cret') && !error.message.includes('user'), error.message)
  })

  it('uses the given fetch implementation', async () => {
    const fetchImpl = (async () => new Response(JSON.stringify({releases: []}))) as typeof fetch
    const {feed} = await fetchFeed('https://feeds.example.com/demo.json', {fetchImpl})
    assert.deepEqual(feed.releases, [])
  })
})

describe('isPinnedByDigest', () => {
  it('accepts only a sha256 digest reference', () => {
    assert.equal(isPinnedByDigest(`acme/demo@sha256:${DIGEST}`), true)
    assert.equal(isPinnedByDigest(`acme/demo:1.0@sha256:${DIGEST}`), true)
    assert.equal(isPinnedByDigest('acme/demo:1.0'), false)
  })
})

function release(version: string, channel = 'stable'): Release {
  return {version, image: `acme/demo:${version}`, channel, required: false}
}

describe('chooseRelease', () => {
  const feed: Pick<Feed, 'releases'> = {
    // Deliberately out of order: the feed's order means nothing.
    releases: [
      release('1.10.0'),
      release('2.0.0-rc.1'),
      release('1.9.0'),
      release('1.2.0'),
      release('3.0.0', 'beta'),
      release('2.0.0-beta.2', 'beta'),
    ],
  }

  it('picks the highest stable release by semver, not by feed order', () => {
    assert.equal(chooseRelease(feed)?.version, '1.10.0')
  })

  it('picks prereleases only when asked', () => {
    assert.equal(chooseRelease(feed, {includePrerelease: true})?.version, '2.0.0-rc.1')
  })

  it('picks from the requested channel only', () => {
    assert.equal(chooseRelease(feed, {channel: 'beta'})?.version, '3.0.0')
    assert.equal(chooseRelease(feed, {channel: 'nightly'}), undefined)
  })

  it('picks only a release newer than the current one', () => {
    assert.equal(chooseRelease(feed, {current: '1.9.0'})?.version, '1.10.0')
    assert.equal(chooseRelease(feed, {current: '1.10.0'}), undefined, 'up to date')
    assert.equal(chooseRelease(feed, {current: '5.0.0'}), undefined, 'never a downgrade')
  })

  it('picks exactly the requested version, whatever its channel', () => {
    assert.equal(chooseRelease(feed, {to: '1.2.0', current: '1.10.0'})?.version, '1.2.0')
    assert.equal(chooseRelease(feed, {to: '2.0.0-beta.2'})?.channel, 'beta')
  })

  it('says which versions exist when the requested one does not', () => {
    assert.throws(
      () => chooseRelease(feed, {to: '9.9.9'}),
      (error: DiscodeError) => {
        assert.equal(error.message, 'version 9.9.9 is not in the feed')
        assert.equal(error.hint, 'The newest releases are 3.0.0, 2.0.0-rc.1, 2.0.0-beta.2, 1.10.0, 1.9.0')
        return true
      },
    )
  })

  it('refuses a requested version that is not semver', () => {
    assert.throws(() => chooseRelease(feed, {to: '1.2'}), /version "1\.2" is not semver/)
  })
})

describe('required and minimumFrom', () => {
  const parse = (releases: unknown[]) => parseFeed(Buffer.from(JSON.stringify({releases})), 'https://feed.example.com/f.json')
  it('reads both, with required false by default', () => {
    const feed = parse([
      {version: '2.0.0', image: 'acme/demo:2.0.0', required: true, minimumFrom: 'v1.5.0'},
      {version: '1.5.0', image: 'acme/demo:1.5.0'},
    ])
    assert.equal(feed.releases[0].required, true)
    assert.equal(feed.releases[0].minimumFrom, '1.5.0')
    assert.equal(feed.releases[1].required, false)
    assert.equal(feed.releases[1].minimumFrom, undefined)
  })
  it('refuses a minimumFrom that is not semver, or not below the release', () => {
    assert.throws(
      () => parse([{version: '2.0.0', image: 'acme/demo:2.0.0', minimumFrom: '1.5'}]),
      /releases\[0\]\.minimumFrom: "1\.5" is not semver/,
    )
    assert.throws(
      () => parse([{version: '2.0.0', image: 'acme/demo:2.0.0', minimumFrom: '2.0.0'}]),
      /minimumFrom: 2\.0\.0 is not below the release's own version 2\.0\.0/,
    )
  })
  it('refuses a required that is not a boolean', () => {
    assert.throws(
      () => parse([{version: '2.0.0', image: 'acme/demo:2.0.0', required: 'yes'}]),
      /releases\[0\]\.required: expected true or false/,
    )
  })
})
