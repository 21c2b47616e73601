import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {imageRefs, loadTags, selectReleases} from './contents.js'

const D = (c: string) => `r.example/app@sha256:${c.repeat(64)}`
const feed = {
  published: '2026-01-02T03:04:05.000Z',
  releases: [
    {version: '1.1.0', image: D('b'), notes: 'n'},
    {version: '1.0.0', image: D('a')},
    {version: '1.2.0', image: 'r.example/app:1.2.0'},
  ],
}

describe('selectReleases', () => {
  it('keeps the feed entries as listed, sorted by semver, and the feed time', () => {
    const {releases, published} = selectReleases(feed, ['1.1.0', 'v1.0.0', '1.1.0'], 'feed.json')
    assert.deepEqual(releases, [feed.releases[1], feed.releases[0]])
    assert.equal(published, feed.published)
  })

  it('refuses a version not listed, an image by tag, and an unsigned feed', () => {
    assert.throws(() => selectReleases(feed, ['2.0.0'], 'feed.json'), /does not list version 2\.0\.0/)
    assert.throws(() => selectReleases(feed, ['1.2.0'], 'feed.json'), /not pinned by digest/)
    assert.throws(
      () => selectReleases({releases: feed.releases}, ['1.0.0'], 'feed.json'),
      (error: {code: string}) => error.code === 'BUNDLE_FEED_UNSIGNED',
    )
  })
})

describe('imageRefs', () => {
  it('lists each image once, sorted, leaving templated accessory images out', () => {
    const accessories = {db: {image: 'postgres:16'}, cache: {image: 'redis:{{inputs.v}}'}, db2: {image: 'postgres:16'}}
    const {refs, skipped} = imageRefs([feed.releases[1], feed.releases[0]], {accessories} as never, 'kamal-proxy:v1')
    assert.deepEqual(refs, ['kamal-proxy:v1', 'postgres:16', D('a'), D('b')].sort())
    assert.deepEqual(skipped, ['redis:{{inputs.v}}'])
  })

  it('tags a loaded image by its tag, or a release image by its version', () => {
    assert.deepEqual(loadTags('postgres:16'), ['postgres:16'])
    assert.deepEqual(loadTags(D('a')), [])
    assert.deepEqual(loadTags(D('a'), feed.releases), ['r.example/app:1.0.0'])
  })
})
