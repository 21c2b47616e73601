import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {parseFeed} from './feed.js'
import {type OfflineFeed, readTrustedFeed} from './read.js'

const IMAGE = `127.0.0.1:1/acme/app@sha256:${'a'.repeat(64)}`
const offline = (extra: Partial<OfflineFeed> = {}): OfflineFeed => ({
  feed: parseFeed(Buffer.from(JSON.stringify({releases: [{version: '1.0.0', image: IMAGE}]})), 'file:///tmp/app.bundle'),
  published: '2026-01-02T00:00:00.000Z',
  key: 'KEY',
  images: {[IMAGE]: 'sha256:cfg'},
  source: 'app.bundle',
  ...extra,
})
// An unreachable URL: the offline feed must be read without touching it.
const source = (extra: Partial<OfflineFeed> = {}, key = 'KEY') => ({
  url: 'http://127.0.0.1:1/feed.json',
  key,
  image: '127.0.0.1:1/acme/app',
  offline: offline(extra),
})
const trust = {app: 'app', installed: true}

describe('readTrustedFeed of a bundle (offline)', () => {
  it("reads the bundle's releases without the network and gives its published time", async () => {
    const read = await readTrustedFeed(source(), trust, '2026-01-01T00:00:00.000Z')
    assert.equal(read.feed.releases[0].image, IMAGE)
    assert.equal(read.published, '2026-01-02T00:00:00.000Z')
    assert.equal(read.decision.verdict, 'signed')
  })

  it("refuses a bundle verified with another key than the recipe's feedKey", async () => {
    await assert.rejects(readTrustedFeed(source({}, 'OTHER'), trust), /not signed with the recipe's feedKey/)
  })

  it('refuses an older bundle unless asked for on purpose (then its time is not accepted)', async () => {
    await assert.rejects(
      readTrustedFeed(source(), trust, '2026-02-01T00:00:00.000Z'),
      (error: {code: string}) => error.code === 'FEED_REPLAYED',
    )
    const downgrade = await readTrustedFeed(source({allowOlder: true}), trust, '2026-02-01T00:00:00.000Z')
    assert.equal(downgrade.published, undefined)
  })
})
