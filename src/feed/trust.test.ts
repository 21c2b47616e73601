import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {DiscodeError} from '../errors.js'
import {recordedFeedWarning} from './trust-note.js'
import {assertFeedImages, isLoopbackUrl, judgeFeedTrust} from './trust.js'

const KEY = 'A'.repeat(43) + '='
const OTHER_KEY = 'B'.repeat(43) + '='
const REMOTE = 'http://feeds.example.com/demo.json'

function refusal(run: () => unknown): DiscodeError {
  try {
    run()
  } catch (error) {
    assert.ok(error instanceof DiscodeError)
    assert.ok(!error.message.includes('\n'))
    return error
  }
  assert.fail('expected a refusal')
}

describe('isLoopbackUrl', () => {
  it('knows 127.0.0.0/8, ::1 and localhost, and nothing else', () => {
    for (const url of ['http://127.0.0.1:5080/f.json', 'http://127.9.8.7/f', 'http://[::1]:80/f', 'http://LOCALHOST/f', 'http://127.1/f'])
      assert.equal(isLoopbackUrl(url), true, url)
    for (const url of [
      'http://10.0.0.1/f',
      'http://172.18.0.2/f',
      'http://[::2]/f',
      'http://localhost.example.com/f',
      'http://128.0.0.1/f',
      'nonsense',
    ])
      assert.equal(isLoopbackUrl(url), false, url)
  })
})

describe('judgeFeedTrust', () => {
  it('trusts a signed feed over http or https, and records its key', () => {
    const decision = judgeFeedTrust({app: 'shop', url: REMOTE, key: KEY, installed: false})
    assert.deepEqual(decision, {verdict: 'signed', trust: {key: KEY, verdict: 'signed'}})
  })

  it('remembers an app from bundles, refuses its plain feed read before any fetch, and --online opts back in', () => {
    const installed = judgeFeedTrust({app: 'shop', url: REMOTE, key: KEY, installed: false, offline: true})
    assert.deepEqual(installed.trust, {key: KEY, verdict: 'signed', bundle: true})
    const input = {app: 'shop', url: REMOTE, key: KEY, installed: true, trust: installed.trust}
    assert.equal(refusal(() => judgeFeedTrust(input)).code, 'APP_FROM_BUNDLE')
    assert.deepEqual(judgeFeedTrust({...input, offline: true}).trust, installed.trust)
    assert.deepEqual(judgeFeedTrust({...input, online: true}).trust, {key: KEY, verdict: 'signed'})
  })

  it('reads a loopback feed without a word (development, tests)', () => {
    const decision = judgeFeedTrust({app: 'shop', url: 'http://127.0.0.1:5080/f.json', installed: false})
    assert.equal(decision.verdict, 'loopback')
    assert.equal(decision.warning, undefined)
  })

  it('refuses to install from an unsigned feed on another host, http or https, without the opt-in', () => {
    for (const url of [REMOTE, 'https://feeds.example.com/demo.json']) {
      const error = refusal(() => judgeFeedTrust({app: 'shop', url, installed: false}))
      assert.equal(error.code, 'FEED_UNSIGNED')
      assert.match(error.message, /is not signed .*on another host/)
      assert.match(error.hint ?? '', /--allow-unsigned-feed/)
    }
    assert.match(refusal(() => judgeFeedTrust({app: 'shop', url: REMOTE, installed: false})).message, /over plain http/)
  })

  it('reads it with the opt-in, warns, and records the opt-in', () => {
    const decision = judgeFeedTrust({app: 'shop', url: REMOTE, installed: false, allowUnsigned: true})
    assert.equal(decision.verdict, 'allowed')
    assert.match(decision.warning ?? '', /not signed over plain http: read because you allowed it/)
    assert.deepEqual(decision.trust, {allowUnsigned: true, verdict: 'allowed'})
    // Later commands find the opt-in in the record.
    const later = judgeFeedTrust({app: 'shop', url: REMOTE, installed: true, trust: decision.trust})
    assert.equal(later.verdict, 'allowed')
  })

  it('keeps an install made before feed trust working, warning loudly, until the customer decides', () => {
    const decision = judgeFeedTrust({app: 'shop', url: REMOTE, installed: true})
    assert.equal(decision.verdict, 'legacy')
    assert.match(decision.warning ?? '', /discode update shop --allow-unsigned-feed/)
    assert.equal(judgeFeedTrust({app: 'shop', url: REMOTE, installed: true, trust: decision.trust}).verdict, 'legacy')
    // Opting in makes it "allowed"; withdrawing (--no-allow-unsigned-feed) makes it refused.
    assert.equal(judgeFeedTrust({app: 'shop', url: REMOTE, installed: true, trust: decision.trust, allowUnsigned: true}).verdict, 'allowed')
    const withdrawn = refusal(() => judgeFeedTrust({app: 'shop', url: REMOTE, installed: true, allowUnsigned: false}))
    assert.equal(withdrawn.code, 'FEED_UNSIGNED')
    assert.match(withdrawn.hint ?? '', /discode update shop --allow-unsigned-feed/)
  })

  it('does not treat a record written by this discode as one from before (a feed moved to another host)', () => {
    const error = refusal(() => judgeFeedTrust({app: 'shop', url: REMOTE, installed: true, trust: {verdict: 'loopback'}}))
    assert.equal(error.code, 'FEED_UNSIGNED')
  })

  it('refuses a recipe that dropped or changed the key the app was installed with, unless accepted', () => {
    const trust = {key: KEY, verdict: 'signed' as const}
    const dropped = refusal(() => judgeFeedTrust({app: 'shop', url: REMOTE, installed: true, trust}))
    assert.equal(dropped.code, 'FEED_KEY_CHANGED')
    assert.match(dropped.message, /no longer has the feed key/)
    assert.match(dropped.hint ?? '', /nothing was changed.*--accept-feed-key/)
    const changed = refusal(() => judgeFeedTrust({app: 'shop', url: 'http://127.0.0.1/f', key: OTHER_KEY, installed: true, trust}))
    assert.match(changed.message, /changed the feed key/)
    const accepted = judgeFeedTrust({app: 'shop', url: REMOTE, key: OTHER_KEY, installed: true, trust, acceptKey: true})
    assert.deepEqual(accepted.trust, {key: OTHER_KEY, verdict: 'signed'})
    // Accepting a dropped key leaves an unsigned feed on another host, which needs the opt-in as on install.
    assert.equal(refusal(() => judgeFeedTrust({app: 'shop', url: REMOTE, installed: true, trust, acceptKey: true})).code, 'FEED_UNSIGNED')
  })

  it('warns from the record alone for status --offline', () => {
    assert.match(recordedFeedWarning('shop', {verdict: 'legacy'}) ?? '', /not signed/)
    assert.match(recordedFeedWarning('shop', {verdict: 'allowed', allowUnsigned: true}) ?? '', /you allowed it/)
    assert.equal(recordedFeedWarning('shop', {verdict: 'signed', key: KEY}), undefined)
    assert.equal(recordedFeedWarning('shop', undefined), undefined)
  })
})

describe('assertFeedImages', () => {
  const releases = (image: string) => [
    {version: '1.0.0', image: 'registry.example.com/acme/demo:1.0.0'},
    {version: '1.1.0', image},
  ]
  it('accepts every spelling of the recipe repository', () => {
    assertFeedImages(releases(`REGISTRY.example.com/acme/demo@sha256:${'a'.repeat(64)}`), ['registry.example.com/acme/demo'], 'f')
    assertFeedImages([{version: '1.0.0', image: 'postgres:16'}], ['docker.io/library/postgres'], 'f')
    assertFeedImages(
      releases('mirror.example.com/acme/demo:1.1.0'),
      ['registry.example.com/acme/demo', 'mirror.example.com/acme/demo'],
      'f',
    )
  })
  it('refuses an image in another registry or repository, naming both', () => {
    const error = refusal(() => assertFeedImages(releases('evil.example.com/acme/demo:1.1.0'), ['registry.example.com/acme/demo'], 'F'))
    assert.equal(error.code, 'FEED_IMAGE_FOREIGN')
    assert.equal(
      error.message,
      "feed F: release 1.1.0 names an image in evil.example.com/acme/demo, not in the recipe's repository registry.example.com/acme/demo",
    )
    assert.throws(
      () => assertFeedImages(releases('registry.example.com/acme/other:1'), ['registry.example.com/acme/demo'], 'F'),
      /acme\/other/,
    )
  })
})
