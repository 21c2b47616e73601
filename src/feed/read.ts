/**
 * Reading an app's feed as every command does (install, update, update --check, status, doctor,
 * auto-update): judged before it is fetched (src/feed/trust.ts), verified when signed, and every
 * release's image checked against the recipe's repository before anything is pulled.
 */
import type {FeedLocation} from '../recipes/installed.js'
import {displayUrl, type Feed, fetchFeed} from './feed.js'
import {assertFeedImages, type FeedTrustDecision, type FeedTrustInput, judgeFeedTrust} from './trust.js'
import {FeedSignatureError} from './signature.js'
import {fetchSignedFeed} from './verify.js'

export interface TrustedFeed {
  feed: Feed
  /** The verified `published` time of a signed feed. */
  published?: string
  decision: FeedTrustDecision
}

/** The releases of a verified air-gapped bundle, read instead of the vendor's feed URL (no network). */
export interface OfflineFeed {
  feed: Feed
  /** The `published` of the feed the bundle was made from. */
  published: string
  /** The feed key the bundle's signature was verified with. */
  key: string
  /** `repo@sha256:...` (as the releases name them) → the id of the image loaded from the bundle: not pulled. */
  images: Record<string, string>
  /** The bundle file, named in messages. */
  source: string
  /** --to: an older bundle than the newest accepted feed is used on purpose (a downgrade). */
  allowOlder?: boolean
}

/** Where to read an app's releases: the recipe's feed, or a verified bundle's read instead of fetching it. */
export interface FeedSource extends FeedLocation {
  /** The feed of a verified air-gapped bundle (src/bundle): read instead of fetching the URL. */
  offline?: OfflineFeed
}

export async function readTrustedFeed(
  source: FeedSource,
  trust: Omit<FeedTrustInput, 'url' | 'key'>,
  newestAccepted?: string,
): Promise<TrustedFeed> {
  const decision = judgeFeedTrust({...trust, url: source.url, key: source.key, offline: Boolean(source.offline)})
  if (source.offline) return {...readOfflineFeed(source, source.offline, newestAccepted), decision}
  let feed: Feed
  let published: string | undefined
  if (source.key) ({feed, published} = await fetchSignedFeed(source.url, source.key, {newestAccepted}))
  else ({feed} = await fetchFeed(source.url))
  assertFeedImages(feed.releases, [source.image], displayUrl(source.url))
  return {feed, published, decision}
}

/** A bundle's feed: verified with the recipe's own key, not older than the newest accepted (unless on purpose). */
function readOfflineFeed(source: FeedSource, offline: OfflineFeed, newestAccepted?: string): {feed: Feed; published?: string} {
  if (!source.key || source.key !== offline.key) {
    throw new FeedSignatureError(`the bundle ${offline.source} is not signed with the recipe's feedKey`, {
      code: 'BUNDLE_KEY_MISMATCH',
      hint: "A bundle is trusted through the recipe's feedKey only: nothing was changed. Ask the vendor for a bundle signed with it",
    })
  }
  assertFeedImages(offline.feed.releases, [source.image], offline.source)
  if (newestAccepted && Date.parse(offline.published) < Date.parse(newestAccepted)) {
    if (!offline.allowOlder) throw olderBundle(offline, newestAccepted)
    return {feed: offline.feed}
  }
  return {feed: offline.feed, published: offline.published}
}

/** An older bundle than the newest feed already accepted: a replay, or a downgrade not asked for. */
export function olderBundle(offline: Pick<OfflineFeed, 'source' | 'published'>, newestAccepted: string): FeedSignatureError {
  return new FeedSignatureError(
    `the bundle ${offline.source} (published ${offline.published}) is older than the newest feed already accepted (${newestAccepted})`,
    {
      code: 'FEED_REPLAYED',
      hint: 'Nothing was loaded or changed. Use the newer bundle, or name an older version with --to to downgrade on purpose',
    },
  )
}
