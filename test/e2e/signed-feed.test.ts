/**
 * Signed release feeds on real parts: the vendor signs with `discode feed keygen|sign`, the recipe
 * carries the public key, images are pinned by digest and pulled from the local registry; every
 * refused feed leaves the running version serving.
 */
import assert from 'node:assert/strict'
import {mkdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import http from 'node:http'
import {join} from 'node:path'
import {before, describe, it} from 'node:test'

import {signFeed} from '../../src/feed/sign.js'
import {discode, discodeJson, writeRecipe} from '../support/discode.js'
import {httpGet} from '../support/http.js'
import {docker} from '../support/images.js'
import {useWorld} from '../support/world.js'

const APP = 'sign-app'
const HOST = 'signed.test'

/** Serves files (the feed and its .sig) from a directory on 127.0.0.1; a missing file is a 404. */
async function startFileServer(dir: string): Promise<{url: string; close(): Promise<void>}> {
  const server = http.createServer((req, res) => {
    try {
      const body = readFileSync(join(dir, (req.url ?? '/').replace(/[^a-z0-9.]/gi, '')))
      res.writeHead(200, {'content-type': 'application/octet-stream'}).end(body)
    } catch {
      res.writeHead(404).end('not found')
    }
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const {port} = server.address() as {port: number}
  return {url: `http://127.0.0.1:${port}`, close: () => new Promise((ok) => server.close(() => ok()))}
}

describe('signed release feeds', () => {
  const {world, images, cleanup} = useWorld('sign', {feed: false})
  let files: {url: string; close(): Promise<void>}
  let vendor: string
  let serve: string
  const pinned: Record<string, string> = {}

  const body = async () => (await httpGet(`${world.url}/`, {host: HOST})).body

  /** The vendor writes the feed and signs it; the server then serves the signed bytes. */
  function publish(versions: string[], options: {now?: Date} = {}) {
    const feedFile = join(vendor, 'feed.json')
    writeFileSync(feedFile, JSON.stringify({releases: versions.map((version) => ({version, image: pinned[version], channel: 'stable'}))}))
    signFeed(feedFile, join(vendor, 'feed.key'), {now: options.now})
    writeFileSync(join(serve, 'feed.json'), readFileSync(feedFile))
    writeFileSync(join(serve, 'feed.json.sig'), readFileSync(`${feedFile}.sig`))
  }

  before(async () => {
    for (const version of ['1.0.0', '1.1.0', '1.2.0'] as const) {
      // The digest in the recipe's repository: other tests push the same image to other registries too.
      const digests = JSON.parse((await docker(['inspect', '--format', '{{json .RepoDigests}}', images.tags[version]])).stdout) as string[]
      pinned[version] = digests.find((digest) => digest.startsWith(`${images.repository}@`)) ?? ''
      assert.match(pinned[version], /@sha256:[0-9a-f]{64}$/)
    }
    vendor = join(world.home, 'vendor')
    serve = join(world.home, 'served')
    mkdirSync(serve, {recursive: true})
    files = await startFileServer(serve)
    cleanup(() => files.close())
  })

  it('feed keygen writes a 0600 private key and prints the feedKey line', async () => {
    const {code, json} = await discodeJson(world, ['feed', 'keygen', '--out', vendor])
    assert.equal(code, 0)
    assert.equal(statSync(join(vendor, 'feed.key')).mode & 0o777, 0o600)
    assert.equal(json.publicKey, readFileSync(join(vendor, 'feed.pub'), 'utf8').trim())
  })

  it('install verifies the signed feed and runs the digest-pinned image', async () => {
    publish(['1.0.0'])
    const feedKey = readFileSync(join(vendor, 'feed.pub'), 'utf8').trim()
    const recipe = writeRecipe(join(world.home, 'recipe'), `${files.url}/feed.json`, {feedKey})
    const result = await discode(world, ['install', APP, '--recipe', recipe, '--set', `hostname=${HOST}`])
    assert.equal(result.code, 0, result.stderr)
    assert.equal(await body(), 'version=1.0.0\n')
    const record = JSON.parse(readFileSync(join(world.home, 'apps', APP, 'app.json'), 'utf8'))
    assert.equal(record.current.image, pinned['1.0.0'])
    assert.ok(record.feedPublished, 'the accepted feed time is recorded')
  })

  it('a feed changed after signing is refused; 1.0.0 keeps serving', async () => {
    publish(['1.0.0', '1.1.0'])
    const tampered = readFileSync(join(serve, 'feed.json'), 'utf8').replace(pinned['1.1.0'], pinned['1.2.0'])
    writeFileSync(join(serve, 'feed.json'), tampered)
    const result = await discode(world, ['update', APP])
    assert.equal(result.code, 1)
    assert.match(result.stderr, /^Error: .*signature does not match/m)
    assert.match(result.stderr, /^Hint: /m)
    assert.equal(await body(), 'version=1.0.0\n')
  })

  it('an unsigned feed is refused', async () => {
    publish(['1.0.0', '1.1.0'])
    rmSync(join(serve, 'feed.json.sig'))
    const result = await discode(world, ['update', APP])
    assert.equal(result.code, 1)
    assert.match(result.stderr, /^Error: .*not signed/m)
    assert.equal(await body(), 'version=1.0.0\n')
  })

  it('an expired feed is refused', async () => {
    publish(['1.0.0', '1.1.0'], {now: new Date(Date.now() - 40 * 24 * 3600 * 1000)})
    const result = await discode(world, ['update', APP])
    assert.equal(result.code, 1)
    assert.match(result.stderr, /^Error: .*expired/m)
    assert.equal(await body(), 'version=1.0.0\n')
  })

  it('a correctly signed newer feed updates, then an older feed served again is refused (replay)', async () => {
    publish(['1.0.0', '1.1.0'], {now: new Date(Date.now() - 3600 * 1000)})
    const older = {feed: readFileSync(join(serve, 'feed.json')), sig: readFileSync(join(serve, 'feed.json.sig'))}
    publish(['1.0.0', '1.1.0'])
    const result = await discode(world, ['update', APP])
    assert.equal(result.code, 0, result.stderr)
    assert.equal(await body(), 'version=1.1.0\n')

    writeFileSync(join(serve, 'feed.json'), older.feed)
    writeFileSync(join(serve, 'feed.json.sig'), older.sig)
    const replay = await discode(world, ['update', APP, '--check'])
    assert.equal(replay.code, 1)
    assert.match(replay.stderr, /^Error: .*older than the newest feed already accepted/m)
    assert.equal(await body(), 'version=1.1.0\n')
  })

  it("a plugin's newer recipe that drops the feedKey the app was installed with is refused; nothing changes", async () => {
    const feedKey = readFileSync(join(vendor, 'feed.pub'), 'utf8').trim()
    assert.equal(JSON.parse(readFileSync(join(world.home, 'apps', APP, 'app.json'), 'utf8')).feedTrust.key, feedKey)
    publish(['1.0.0', '1.1.0', '1.2.0'])
    // The recipe as the vendor's next version would ship it, without the key (the feed is on 127.0.0.1,
    // which an unsigned feed may be: only the recorded key stops it).
    const recipe = writeRecipe(join(world.home, 'recipe'), `${files.url}/feed.json`)
    for (const args of [
      ['update', APP, '--check'],
      ['update', APP],
    ]) {
      const result = await discode(world, args)
      assert.equal(result.code, 1)
      assert.match(result.stderr, /^Error: .*no longer has the feed key it was installed with/m)
      assert.match(result.stderr, /^Hint: .*nothing was changed.*--accept-feed-key/m)
    }
    assert.equal(await body(), 'version=1.1.0\n')
    writeRecipe(recipe, `${files.url}/feed.json`, {feedKey})
  })

  it('feed sign refuses a release whose image is not pinned by digest', async () => {
    const feedFile = join(vendor, 'unpinned.json')
    writeFileSync(feedFile, JSON.stringify({releases: [{version: '2.0.0', image: '127.0.0.1:5000/discode-test/app:1.2.0'}]}))
    const result = await discode(world, ['feed', 'sign', feedFile, '--key', join(vendor, 'feed.key')])
    assert.equal(result.code, 1)
    assert.match(result.stderr, /^Error: .*2\.0\.0.*digest/m)
  })
})
