import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {bundleOnlyReason, updatesFromBundles} from './bundle-only.js'

describe('an app installed from a bundle and the feed', () => {
  it('a bundle read remembers that the app came from bundles', () => {
    assert.equal(updatesFromBundles({app: 'shop', offline: true}), true)
    assert.equal(updatesFromBundles({app: 'shop', offline: true, bundle: true}), true)
  })

  it('a plain read of an app from bundles is refused before the feed URL is touched, saying how it updates', () => {
    assert.throws(
      () => updatesFromBundles({app: 'shop', bundle: true}),
      (error: Error & {code?: string; hint?: string}) =>
        error.code === 'APP_FROM_BUNDLE' &&
        /shop was installed from a bundle/.test(error.message) &&
        /discode update shop --bundle FILE/.test(error.hint ?? '') &&
        /--online/.test(error.hint ?? ''),
    )
  })

  it('--online opts back in to the feed (the record forgets the bundle); an app from a feed reads it', () => {
    assert.equal(updatesFromBundles({app: 'shop', bundle: true, online: true}), false)
    assert.equal(updatesFromBundles({app: 'shop'}), false)
    assert.equal(updatesFromBundles({app: 'shop', online: true}), false)
  })

  it("auto-update's reason names both ways on", () => {
    assert.match(bundleOnlyReason('shop'), /installed from a bundle.*--bundle FILE.*--online/)
  })
})
