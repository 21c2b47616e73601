import assert from 'node:assert/strict'
import {sign} from 'node:crypto'
import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, beforeEach, describe, it} from 'node:test'

import {DiscodeError} from '../errors.js'
import {FeedError} from './feed.js'
import {assertImageDigest, digestOf} from './image-digest.js'
import {generateKeyPair, writeKeyPair} from './keys.js'
import {parseDuration, signFeed} from './sign.js'
import {FeedSignatureError} from './signature.js'
import {fetchSignedFeed, verifyFeed} from './verify.js'

const DIGEST_A = `sha256:${'a'.repeat(64)}`
const DIGEST_B = `sha256:${'b'.repeat(64)}`
const PINNED_FEED = {
  releases: [
    {version: '1.0.0', image: `registry.example.com/acme/demo@${DIGEST_A}`},
    {version: 'v1.1.0', image: `registry.example.com/acme/demo:1.1.0@${DIGEST_B}`, channel: 'stable', notes: 'Faster'},
  ],
  vendor: 'acme',
}
const NOW = new Date('2025-03-01T12:00:00.000Z')
const DAY = 86_400_000

let dir: string
const dirs: string[] = []
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'discode-signature-'))
  dirs.push(dir)
})
after(() => {
  for (const made of dirs) rmSync(made, {recursive: true, force: true})
})

/** Asserts `fn` throws a one-line FeedSignatureError with this code, with a hint. */
function throwsCode(fn: () => unknown, code: string, message?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof FeedSignatureError, `expected a FeedSignatureError, got ${String(error)}`)
    assert.ok(error instanceof DiscodeError)
    assert.equal(error.code, code)
    assert.ok(error.hint, 'has a hint')
    assert.doesNotMatch(error.message, /\n/)
    if (message) assert.match(error.message, message)
    return true
  })
}

function writeFeed(data: unknown, name = 'feed.json'): string {
  const path = join(dir, name)
  writeFileSync(path, JSON.stringify(data))
  return path
}

/** A key pair on disk and a feed signed with it at NOW. */
function signedFixture(data: unknown = PINNED_FEED, expires?: string) {
  const keys = writeKeyPair(join(dir, 'keys'))
  const feedPath = writeFeed(data)
  const result = signFeed(feedPath, keys.privateKeyPath, {now: NOW, expires})
  return {keys, feedPath, result, raw: readFileSync(feedPath), signature: readFileSync(result.signaturePath, 'utf8')}
}

describe('keys', () => {
  it('generateKeyPair gives a PKCS8 PEM private key and a raw 32-byte public key on one base64 line', () => {
    const pair = generateKeyPair()
    assert.match(pair.privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n/)
    assert.match(pair.publicKey, /^[A-Za-z0-9+/]+=*$/)
    assert.equal(Buffer.from(pair.publicKey, 'base64').length, 32)
    assert.notEqual(generateKeyPair().publicKey, pair.publicKey)
  })

  it('writeKeyPair writes feed.key 0600 and feed.pub 0644 (one line and a newline)', () => {
    const out = join(dir, 'new', 'keys')
    const written = writeKeyPair(out)
    assert.equal(written.privateKeyPath, join(out, 'feed.key'))
    assert.equal(written.publicKeyPath, join(out, 'feed.pub'))
    assert.equal(statSync(written.privateKeyPath).mode & 0o777, 0o600)
    assert.equal(statSync(written.publicKeyPath).mode & 0o777, 0o644)
    assert.equal(readFileSync(written.publicKeyPath, 'utf8'), `${written.publicKey}\n`)
    assert.match(readFileSync(written.privateKeyPath, 'utf8'), /^-----BEGIN PRIVATE KEY-----/)
  })

  it('refuses to overwrite a private key unless forced', () => {
    const first = writeKeyPair(dir)
    const before = readFileSync(first.privateKeyPath, 'utf8')
    throwsCode(() => writeKeyPair(dir), 'FEED_KEY_EXISTS', /feed\.key already exists/)
    assert.equal(readFileSync(first.privateKeyPath, 'utf8'), before)
    assert.equal(readFileSync(first.publicKeyPath, 'utf8'), `${first.publicKey}\n`)

    const second = writeKeyPair(dir, {force: true})
    assert.notEqual(second.publicKey, first.publicKey)
    assert.notEqual(readFileSync(second.privateKeyPath, 'utf8'), before)
    assert.equal(statSync(second.privateKeyPath).mode & 0o777, 0o600)
  })
})

describe('signFeed', () => {
  it('sets published and expires, writes pretty JSON with a trailing newline and the .sig', () => {
    const {keys, feedPath, result, raw, signature} = signedFixture()
    assert.equal(result.feedPath, feedPath)
    assert.equal(result.signaturePath, `${feedPath}.sig`)
    assert.equal(result.published, NOW.toISOString())
    assert.equal(result.expires, new Date(NOW.getTime() + 30 * DAY).toISOString())
    assert.equal(result.publicKey, keys.publicKey)

    const text = raw.toString('utf8')
    const data = JSON.parse(text)
    assert.equal(text, `${JSON.stringify(data, null, 2)}\n`)
    assert.equal(data.published, result.published)
    assert.equal(data.expires, result.expires)
    // The vendor's document is kept as written (no schema defaults or normalised versions).
    assert.equal(data.vendor, 'acme')
    assert.equal(data.releases[1].version, 'v1.1.0')
    assert.equal(data.releases[0].channel, undefined)
    assert.match(signature, /^[A-Za-z0-9+/]{86}==\n$/)
  })

  it('takes --expires in days, hours or minutes', () => {
    assert.equal(signedFixture(PINNED_FEED, '12h').result.expires, new Date(NOW.getTime() + 12 * 3_600_000).toISOString())
    rmSync(join(dir, 'keys'), {recursive: true})
    assert.equal(signedFixture(PINNED_FEED, '90m').result.expires, new Date(NOW.getTime() + 90 * 60_000).toISOString())
    assert.equal(parseDuration('7d'), 7 * DAY)
    for (const bad of ['30', '0d', '-1d', '1w', '1.5h', 'd', '']) throwsCode(() => parseDuration(bad), 'FEED_BAD_DURATION')
  })

  it('re-signing replaces published and expires', () => {
    const {keys, feedPath} = signedFixture()
    const later = new Date(NOW.getTime() + DAY)
    const again = signFeed(feedPath, keys.privateKeyPath, {now: later, expires: '1d'})
    assert.equal(again.published, later.toISOString())
    const data = JSON.parse(readFileSync(feedPath, 'utf8'))
    assert.equal(data.published, later.toISOString())
    assert.equal(data.expires, new Date(later.getTime() + DAY).toISOString())
    verifyFeed(readFileSync(feedPath), readFileSync(again.signaturePath, 'utf8'), keys.publicKey, {now: later})
  })

  it('refuses moving published backwards (a clock behind the last signature)', () => {
    const {keys, feedPath} = signedFixture()
    throwsCode(() => signFeed(feedPath, keys.privateKeyPath, {now: new Date(NOW.getTime() - 60_000)}), 'FEED_PUBLISHED_BACKWARDS')
  })

  it('refuses a release whose image is not pinned by digest, naming it, and writes nothing', () => {
    const keys = writeKeyPair(dir)
    const data = {releases: [PINNED_FEED.releases[0], {version: '1.2.0', image: 'registry.example.com/acme/demo:1.2.0'}]}
    const feedPath = writeFeed(data)
    throwsCode(
      () => signFeed(feedPath, keys.privateKeyPath, {now: NOW}),
      'FEED_IMAGE_NOT_PINNED',
      /^release 1\.2\.0: image registry\.example\.com\/acme\/demo:1\.2\.0 is not pinned by digest$/,
    )
    assert.equal(readFileSync(feedPath, 'utf8'), JSON.stringify(data))
    assert.throws(() => statSync(`${feedPath}.sig`), {code: 'ENOENT'})
  })

  it('refuses an invalid feed, a feed that is not JSON, and a key that is not an ed25519 key', () => {
    const keys = writeKeyPair(dir)
    const invalid = writeFeed({releases: [{version: '1.2', image: `acme/demo@${DIGEST_A}`}]})
    assert.throws(
      () => signFeed(invalid, keys.privateKeyPath),
      (error: unknown) => error instanceof FeedError && error.code === 'FEED_INVALID' && /releases\[0\]\.version/.test(error.message),
    )
    const notJson = join(dir, 'broken.json')
    writeFileSync(notJson, '{"releases": [')
    assert.throws(() => signFeed(notJson, keys.privateKeyPath), {code: 'FEED_NOT_JSON'})
    assert.throws(() => signFeed(join(dir, 'missing.json'), keys.privateKeyPath), {code: 'FEED_FILE_UNREADABLE'})

    const feedPath = writeFeed(PINNED_FEED)
    throwsCode(() => signFeed(feedPath, keys.publicKeyPath), 'FEED_PRIVATE_KEY_INVALID')
    throwsCode(() => signFeed(feedPath, join(dir, 'nope.key')), 'FEED_PRIVATE_KEY_UNREADABLE')
  })
})

describe('verifyFeed', () => {
  it('accepts the feed as signed and returns its dates', () => {
    const {keys, raw, signature, result} = signedFixture()
    assert.deepEqual(verifyFeed(raw, signature, keys.publicKey, {now: NOW}), {published: result.published, expires: result.expires})
    // feed.pub's line with its newline works as well.
    verifyFeed(raw, signature, readFileSync(keys.publicKeyPath, 'utf8'), {now: new Date(NOW.getTime() + 29 * DAY)})
  })

  it('refuses a feed with one byte changed', () => {
    const {keys, raw, signature} = signedFixture()
    const text = raw.toString('utf8')
    const changed = Buffer.from(text.replace('"acme"', '"acmf"'))
    assert.notDeepEqual(changed, raw)
    throwsCode(
      () => verifyFeed(changed, signature, keys.publicKey, {now: NOW}),
      'FEED_SIGNATURE_MISMATCH',
      /^the feed's signature does not match the vendor's key$/,
    )
    // Even a trailing newline removed: the signature covers the exact bytes.
    throwsCode(() => verifyFeed(raw.subarray(0, raw.length - 1), signature, keys.publicKey, {now: NOW}), 'FEED_SIGNATURE_MISMATCH')
  })

  it('refuses a feed signed with another key', () => {
    const {raw, signature} = signedFixture()
    throwsCode(() => verifyFeed(raw, signature, generateKeyPair().publicKey, {now: NOW}), 'FEED_SIGNATURE_MISMATCH')
  })

  it('refuses an expired feed', () => {
    const {keys, raw, signature, result} = signedFixture(PINNED_FEED, '1d')
    verifyFeed(raw, signature, keys.publicKey, {now: new Date(NOW.getTime() + DAY - 1)})
    throwsCode(
      () => verifyFeed(raw, signature, keys.publicKey, {now: new Date(NOW.getTime() + DAY)}),
      'FEED_EXPIRED',
      new RegExp(`^the feed expired on ${result.expires}`),
    )
  })

  it('refuses a feed published before the newest one accepted (replay), accepts the same one again', () => {
    const {keys, raw, signature, result} = signedFixture()
    verifyFeed(raw, signature, keys.publicKey, {now: NOW, newestAccepted: result.published})
    verifyFeed(raw, signature, keys.publicKey, {now: NOW, newestAccepted: '2025-02-01T00:00:00Z'})
    throwsCode(
      () => verifyFeed(raw, signature, keys.publicKey, {now: NOW, newestAccepted: new Date(NOW.getTime() + 1000).toISOString()}),
      'FEED_REPLAYED',
      /older than the newest feed already accepted/,
    )
    throwsCode(() => verifyFeed(raw, signature, keys.publicKey, {now: NOW, newestAccepted: 'yesterday'}), 'FEED_ACCEPTED_INVALID')
  })

  it('refuses a malformed feedKey and a malformed signature', () => {
    const {keys, raw, signature} = signedFixture()
    const short = Buffer.alloc(31, 1).toString('base64')
    for (const bad of ['', 'not base64!', short, `${keys.publicKey}AAAA`, readFileSync(keys.privateKeyPath, 'utf8')]) {
      throwsCode(() => verifyFeed(raw, signature, bad, {now: NOW}), 'FEED_KEY_INVALID', /feedKey/)
    }
    for (const bad of ['', 'garbage', Buffer.alloc(63).toString('base64'), `${signature.trim()}AAAA`]) {
      throwsCode(() => verifyFeed(raw, bad, keys.publicKey, {now: NOW}), 'FEED_SIGNATURE_MALFORMED')
    }
  })

  /** A feed signed by hand, bypassing signFeed's checks, as a careless or hostile signer might. */
  function signedByHand(data: unknown) {
    const pair = generateKeyPair()
    const raw = Buffer.from(JSON.stringify(data))
    return {raw, signature: sign(null, raw, pair.privateKeyPem).toString('base64'), publicKey: pair.publicKey}
  }

  it('refuses an unpinned image even under a good signature', () => {
    const {raw, signature, publicKey} = signedByHand({
      releases: [{version: '2.0.0', image: 'acme/demo:2.0.0'}],
      published: NOW.toISOString(),
      expires: new Date(NOW.getTime() + DAY).toISOString(),
    })
    throwsCode(
      () => verifyFeed(raw, signature, publicKey, {now: NOW}),
      'FEED_IMAGE_NOT_PINNED',
      /^release 2\.0\.0: image acme\/demo:2\.0\.0 is not pinned by digest/,
    )
  })

  it('refuses missing or invalid published / expires', () => {
    const expires = new Date(NOW.getTime() + DAY).toISOString()
    const cases: Record<string, unknown>[] = [
      {expires},
      {published: 'March 1 2025', expires},
      {published: NOW.toISOString()},
      {published: NOW.toISOString(), expires: 42},
      {published: expires, expires: NOW.toISOString()},
    ]
    for (const dates of cases) {
      const {raw, signature, publicKey} = signedByHand({releases: [], ...dates})
      throwsCode(() => verifyFeed(raw, signature, publicKey, {now: NOW}), 'FEED_DATES_INVALID')
    }
  })
})

describe('fetchSignedFeed', () => {
  let server: Server
  let base: string
  const files: Record<string, {status: number; body: Buffer | string}> = {}

  before(async () => {
    server = createServer((request, response) => {
      const file = files[new URL(request.url ?? '/', 'http://x').pathname]
      response.writeHead(file?.status ?? 404, {'content-type': 'application/octet-stream'})
      response.end(file?.body ?? 'not found')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  after(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('fetches, verifies and parses a signed feed', async () => {
    const {keys, raw, signature, result} = signedFixture()
    files['/good/feed.json'] = {status: 200, body: raw}
    files['/good/feed.json.sig'] = {status: 200, body: signature}
    const fetched = await fetchSignedFeed(`${base}/good/feed.json`, keys.publicKey, {now: NOW, newestAccepted: '2025-01-01T00:00:00Z'})
    assert.deepEqual(fetched.raw, raw)
    assert.equal(fetched.published, result.published)
    assert.equal(fetched.expires, result.expires)
    assert.deepEqual(
      fetched.feed.releases.map((release) => [release.version, release.channel]),
      [
        ['1.0.0', 'stable'],
        ['1.1.0', 'stable'],
      ],
    )
  })

  it('refuses a feed without a .sig (404): the recipe requires a signed feed', async () => {
    const {keys, raw} = signedFixture()
    files['/unsigned/feed.json'] = {status: 200, body: raw}
    await assert.rejects(fetchSignedFeed(`${base}/unsigned/feed.json`, keys.publicKey, {now: NOW}), (error: unknown) => {
      assert.ok(error instanceof FeedSignatureError)
      assert.equal(error.code, 'FEED_NOT_SIGNED')
      assert.match(error.message, /^the feed is not signed: .*\/unsigned\/feed\.json\.sig answered HTTP 404$/)
      assert.match(error.hint ?? '', /requires a signed feed/)
      return true
    })
  })

  it('refuses a changed feed, naming its URL without credentials', async () => {
    const {keys, raw, signature} = signedFixture()
    files['/tampered/feed.json'] = {status: 200, body: Buffer.from(raw.toString('utf8').replace(DIGEST_A, DIGEST_B))}
    files['/tampered/feed.json.sig'] = {status: 200, body: signature}
    const url = `${base.replace('http://', 'http://user:secret@')}/tampered/feed.json`
    await assert.rejects(fetchSignedFeed(url, keys.publicKey, {now: NOW}), (error: unknown) => {
      assert.ok(error instanceof FeedSignatureError)
      assert.equal(error.code, 'FEED_SIGNATURE_MISMATCH')
      assert.match(error.message, /\/tampered\/feed\.json\)$/)
      assert.doesNotMatch(error.message, /secret/)
      return true
    })
  })

  it('checks the feedKey before fetching, and passes other HTTP failures through', async () => {
    await assert.rejects(fetchSignedFeed(`${base}/nothing.json`, 'bad key'), {code: 'FEED_KEY_INVALID'})
    const {keys, raw} = signedFixture()
    files['/sig-error/feed.json'] = {status: 200, body: raw}
    files['/sig-error/feed.json.sig'] = {status: 500, body: 'oops'}
    await assert.rejects(fetchSignedFeed(`${base}/sig-error/feed.json`, keys.publicKey, {now: NOW}), {code: 'FEED_HTTP_STATUS'})
    await assert.rejects(fetchSignedFeed(`${base}/missing/feed.json`, keys.publicKey, {now: NOW}), {code: 'FEED_HTTP_STATUS'})
  })
})

describe('pulled image digests', () => {
  it('digestOf reads the digest of a pinned reference only', () => {
    assert.equal(digestOf(`registry.example.com:5000/acme/demo@${DIGEST_A}`), DIGEST_A)
    assert.equal(digestOf(`acme/demo:1.0@${DIGEST_B}`), DIGEST_B)
    assert.equal(digestOf('acme/demo:1.0'), undefined)
    assert.equal(digestOf('acme/demo@sha256:1234'), undefined)
  })

  it('assertImageDigest accepts a RepoDigests entry with the digest and refuses otherwise', () => {
    const image = `127.0.0.1:5000/acme/demo@${DIGEST_A}`
    assertImageDigest(image, [`127.0.0.1:5000/acme/demo@${DIGEST_B}`, `127.0.0.1:5000/acme/demo@${DIGEST_A}`])
    throwsCode(() => assertImageDigest(image, [`127.0.0.1:5000/acme/demo@${DIGEST_B}`]), 'IMAGE_DIGEST_MISMATCH', new RegExp(DIGEST_B))
    throwsCode(() => assertImageDigest(image, []), 'IMAGE_DIGEST_MISMATCH', /reports none/)
    throwsCode(() => assertImageDigest('acme/demo:1.0', ['acme/demo@' + DIGEST_A]), 'FEED_IMAGE_NOT_PINNED')
  })
})
