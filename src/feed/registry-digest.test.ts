import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import {createServer, type IncomingMessage, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {after, before, describe, it} from 'node:test'

import {pinnedImage, withRelease} from './add.js'
import {dockerConfigCredentials, parseChallenge, registryDigest} from './registry-digest.js'

const MANIFEST = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}')
const DIGEST = `sha256:${createHash('sha256').update(MANIFEST).digest('hex')}`
const TOKEN = 'token-for-shop'

/** A Registry API v2 stub: /v2/open/* anonymous, /v2/basic/* Basic auth, /v2/bearer/* a token from /token; /v2/nohead/* omits the header. */
function registryStub(): Promise<{server: Server; port: number; seen: IncomingMessage[]}> {
  const seen: IncomingMessage[] = []
  const server = createServer((req, res) => {
    seen.push(req)
    const url = new URL(req.url!, 'http://x')
    const auth = req.headers.authorization ?? ''
    const port = (server.address() as AddressInfo).port
    if (url.pathname === '/token') {
      const ok =
        auth === `Basic ${Buffer.from('vendor:s3cret').toString('base64')}` &&
        url.searchParams.get('scope') === 'repository:bearer/shop:pull'
      res.writeHead(ok ? 200 : 401, {'content-type': 'application/json'}).end(ok ? JSON.stringify({token: TOKEN}) : '{}')
      return
    }
    const [, , area, ...rest] = url.pathname.split('/')
    const tag = rest.at(-1)
    if (area === 'basic' && auth !== `Basic ${Buffer.from('vendor:s3cret').toString('base64')}`) {
      res.writeHead(401, {'www-authenticate': 'Basic realm="registry"'}).end()
      return
    }
    if (area === 'bearer' && auth !== `Bearer ${TOKEN}`) {
      const realm = area === 'bearer' ? `http://127.0.0.1:${port}/token` : ''
      res.writeHead(401, {'www-authenticate': `Bearer realm="${realm}",service="stub",scope="repository:bearer/shop:pull"`}).end()
      return
    }
    if (area === 'evil') {
      res.writeHead(401, {'www-authenticate': 'Bearer realm="http://198.51.100.7/token",service="stub"'}).end()
      return
    }
    if (tag !== '1.0.0' && tag !== DIGEST) {
      res.writeHead(404).end()
      return
    }
    const headers: Record<string, string> = {'content-type': 'application/vnd.oci.image.manifest.v1+json'}
    if (area === 'bad') headers['docker-content-digest'] = 'md5:abc'
    else if (area !== 'nohead') headers['docker-content-digest'] = DIGEST
    res.writeHead(200, headers).end(req.method === 'GET' ? MANIFEST : undefined)
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({server, port: (server.address() as AddressInfo).port, seen})),
  )
}

describe('registryDigest: the digest of a pushed tag from the Registry HTTP API', () => {
  let stub: Awaited<ReturnType<typeof registryStub>>
  const image = (path: string) => `127.0.0.1:${stub.port}/${path}`
  const credentials = {username: 'vendor', password: 's3cret'}

  before(async () => {
    stub = await registryStub()
  })
  after(() => stub.server.close())

  it('asks for the manifest with its media types and reads Docker-Content-Digest', async () => {
    assert.equal(await registryDigest(image('open/shop:1.0.0')), DIGEST)
    const request = stub.seen.at(-1)!
    assert.equal(request.method, 'HEAD')
    assert.equal(request.url, '/v2/open/shop/manifests/1.0.0')
    assert.match(String(request.headers.accept), /application\/vnd\.oci\.image\.index\.v1\+json/)
    assert.match(String(request.headers.accept), /application\/vnd\.docker\.distribution\.manifest\.v2\+json/)
  })

  it('answers a Basic challenge with the credentials, and says how to give them when there are none', async () => {
    assert.equal(await registryDigest(image('basic/shop:1.0.0'), {credentials}), DIGEST)
    await assert.rejects(registryDigest(image('basic/shop:1.0.0')), (error: Error & {code?: string; hint?: string}) => {
      assert.equal(error.code, 'REGISTRY_UNAUTHORIZED')
      assert.match(error.hint ?? '', /--registry-user .*DISCODE_REGISTRY_PASSWORD.*docker login/)
      return true
    })
    await assert.rejects(registryDigest(image('basic/shop:1.0.0'), {credentials: {username: 'vendor', password: 'wrong'}}), /unauthorized/)
  })

  it('gets a bearer token from the challenge realm with the credentials, then the digest', async () => {
    assert.equal(await registryDigest(image('bearer/shop:1.0.0'), {credentials}), DIGEST)
    await assert.rejects(registryDigest(image('bearer/shop:1.0.0'), {credentials: {username: 'x', password: 'y'}}), /unauthorized/)
  })

  it('attacker: a registry whose token realm is plain HTTP on another host gets no credentials', async () => {
    const before = stub.seen.length
    await assert.rejects(registryDigest(image('evil/shop:1.0.0'), {credentials}), /token realm http:\/\/198\.51\.100\.7 is not HTTPS/)
    assert.equal(stub.seen.length, before + 1, 'only the manifest request was made')
    assert.equal(stub.seen.at(-1)!.headers.authorization, undefined)
  })

  it('hashes the manifest when HEAD has no digest header; refuses an odd digest and an unknown tag', async () => {
    assert.equal(await registryDigest(image('nohead/shop:1.0.0')), DIGEST)
    assert.equal(stub.seen.at(-1)!.method, 'GET')
    await assert.rejects(registryDigest(image('bad/shop:1.0.0')), /reported the digest "md5:abc"/)
    await assert.rejects(registryDigest(image('open/shop:9.9.9')), (error: Error & {code?: string}) => error.code === 'IMAGE_NOT_FOUND')
  })

  it("reads docker login's credentials from Docker's config.json", () => {
    const auth = Buffer.from('ci:tok:en').toString('base64')
    assert.deepEqual(dockerConfigCredentials('registry.example.com', {auths: {'registry.example.com': {auth}}}), {
      username: 'ci',
      password: 'tok:en',
    })
    assert.deepEqual(dockerConfigCredentials('docker.io', {auths: {'https://index.docker.io/v1/': {auth}}})?.username, 'ci')
    assert.equal(dockerConfigCredentials('other.example.com', {auths: {'registry.example.com': {auth}}}), undefined)
    assert.equal(dockerConfigCredentials('registry.example.com', {credsStore: 'desktop'}), undefined)
    assert.deepEqual(parseChallenge('Bearer realm="https://a/token",service="reg"'), {
      scheme: 'bearer',
      params: {realm: 'https://a/token', service: 'reg'},
    })
  })
})

describe('feed add: the release entry', () => {
  const digest = `sha256:${'a'.repeat(64)}`

  it('pins the pushed tag by digest in the same repository', () => {
    assert.equal(pinnedImage('127.0.0.1:5000/acme/shop:1.0.0', digest), `127.0.0.1:5000/acme/shop@${digest}`)
    const feed = withRelease(
      {releases: [], published: '2026-01-01T00:00:00.000Z'},
      {version: 'v1.0.0', image: 'registry.example.com/acme/shop:1.0.0', digest},
    )
    assert.deepEqual(feed.releases, [{version: '1.0.0', image: `registry.example.com/acme/shop@${digest}`, channel: 'stable'}])
  })

  it('refuses a version already listed, and one that is not semver', () => {
    const feed = withRelease({releases: []}, {version: '1.0.0', image: 'r.example.com/a:1', digest})
    assert.throws(() => withRelease(feed, {version: '1.0.0', image: 'r.example.com/a:2', digest}), /already lists 1\.0\.0/)
    assert.throws(() => withRelease(feed, {version: 'latest', image: 'r.example.com/a:2', digest}), /is not semver/)
  })
})
