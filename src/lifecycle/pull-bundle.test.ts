/**
 * The bundle seam on the fake engine: with an OfflineFeed (an air-gapped bundle, src/bundle), install
 * and update read no feed and pull nothing; the loaded images (by id) are run.
 */
import assert from 'node:assert/strict'
import {generateKeyPairSync} from 'node:crypto'
import {after, before, describe, it} from 'node:test'

import {parseFeed} from '../feed/feed.js'
import {rawPublicKey} from '../feed/keys.js'
import type {OfflineFeed} from '../feed/read.js'
import {install} from './install.js'
import {type FakeWorld, fakeWorld} from '../testing/fake-engine.js'
import {update} from '../updates/update-path.js'

const KEY = rawPublicKey(generateKeyPairSync('ed25519').privateKey)
const pinned = (version: string) => `shop/app@sha256:${version.replaceAll('.', '').padStart(64, '0')}`

describe('install and update from a bundle on the fake engine', () => {
  let world: FakeWorld
  let recipe: string
  const loaded: Record<string, string> = {}

  /** What a verified bundle of these versions gives the lifecycle (its images already loaded). */
  const offline = (versions: string[], published: string): OfflineFeed => ({
    feed: parseFeed(Buffer.from(JSON.stringify({releases: versions.map((version) => ({version, image: pinned(version)}))})), 'file:///b'),
    published,
    key: KEY,
    images: loaded,
    source: 'shop.bundle',
  })

  before(async () => {
    world = await fakeWorld()
    // The feed URL serves nothing: only the bundle can be read.
    recipe = world.recipe(
      'shop',
      [
        'name: shop',
        'image: shop/app',
        'port: 80',
        `feed: '${world.feed.url}'`,
        `feedKey: '${KEY}'`,
        "proxy: {host: 'shop.localhost'}",
        '',
      ].join('\n'),
    )
    for (const version of ['1.0.0', '1.1.0']) {
      // "Loaded": present by id (as docker load leaves it), not pullable from any registry.
      world.docker.publish(`loaded/${version}`)
      await world.docker.pull(`loaded/${version}`)
      loaded[pinned(version)] = world.docker.image(`loaded/${version}`)!.id
    }
  })
  after(() => world.close())

  it('install runs the loaded image, with no pull and no feed fetch', async () => {
    const mark = world.docker.calls.length
    const result = await install(world.engine, {
      app: 'shop',
      recipe,
      set: {},
      version: '1.0.0',
      offline: offline(['1.0.0', '1.1.0'], '2026-01-02T00:00:00.000Z'),
    })
    assert.equal(result.to.version, '1.0.0')
    assert.equal(result.to.imageId, loaded[pinned('1.0.0')])
    assert.equal(
      world.docker.calls.slice(mark).filter((call) => call.point === 'image.pull' && call.target.startsWith('shop/')).length,
      0,
      'no release image pulled',
    )
    assert.equal((await world.record('shop'))?.feedPublished, '2026-01-02T00:00:00.000Z')
  })

  it('update moves to the newest release of the bundle; an older bundle is refused', async () => {
    await assert.rejects(
      update(world.engine, {app: 'shop', offline: offline(['1.1.0'], '2026-01-01T00:00:00.000Z')}),
      /older than the newest feed/,
    )
    const result = await update(world.engine, {app: 'shop', offline: offline(['1.0.0', '1.1.0'], '2026-01-03T00:00:00.000Z')})
    assert.equal(result.status, 'updated')
    assert.equal((await world.record('shop'))?.current?.imageId, loaded[pinned('1.1.0')])
  })
})
