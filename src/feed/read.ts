/**
 * Reading an app's feed as every command does (install, update, update --check, status, doctor,
 * auto-update): judged before it is fetched (src/feed/trust.ts), verified when signed, and every
 * release's image checked against the recipe's repository before anything is pulled.
 */
import type {FeedSource} from '../recipes/installed.js'
import {displayUrl, type Feed, fetchFeed} from './feed.js'
import {assertFeedImages, type FeedTrustDecision, type FeedTrustInput, judgeFeedTrust} from './trust.js'
import {fetchSignedFeed} from './verify.js'

export interface TrustedFeed {
  feed: Feed
  /** The verified `published` time of a signed feed. */
  published?: string
  decision: FeedTrustDecision
}

export async function readTrustedFeed(
  source: FeedSource,
  trust: Omit<FeedTrustInput, 'url' | 'key'>,
  newestAccepted?: string,
): Promise<TrustedFeed> {
  const decision = judgeFeedTrust({...trust, url: source.url, key: source.key})
  let feed: Feed
  let published: string | undefined
  if (source.key) ({feed, published} = await fetchSignedFeed(source.url, source.key, {newestAccepted}))
  else ({feed} = await fetchFeed(source.url))
  assertFeedImages(feed.releases, [source.image], displayUrl(source.url))
  return {feed, published, decision}
}
