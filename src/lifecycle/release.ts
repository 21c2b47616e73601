import {chooseRelease, type Release} from '../feed/feed.js'
import {readTrustedFeed} from '../feed/read.js'
import type {FeedTrustDecision, FeedTrustInput} from '../feed/trust.js'
import type {FeedSource} from '../feed/read.js'
import type {AppRecord, FeedTrust} from '../state/store.js'
import {type Operation, step} from './operation.js'

export interface FoundRelease {
  release?: Release
  /** The verified `published` time of a signed feed. */
  published?: string
  /** How the feed is trusted (src/feed/trust.ts): what the record keeps. */
  decision: FeedTrustDecision
}

/**
 * Reads the vendor's feed (verifying its signature, expiry and freshness when the recipe has a
 * feedKey) and picks the release to run: `to`, or the newest stable one above `current`.
 */
export async function findRelease(
  op: Operation,
  feed: FeedSource,
  options: {current?: string; to?: string; newestAccepted?: string; trust: Omit<FeedTrustInput, 'url' | 'key'>},
): Promise<FoundRelease> {
  return step(op, 'feed', feed.key ? 'Reading and verifying the signed release feed' : 'Reading the release feed', async () => {
    const {feed: document, published, decision} = await readTrustedFeed(feed, options.trust, options.newestAccepted)
    if (decision.warning) op.reporter.warn(decision.warning)
    return {release: chooseRelease(document, options), published, decision}
  })
}

/** The record with the feed's trust as decided (the same record when nothing changed). */
export function trustedFeed<T extends {feedTrust?: FeedTrust}>(record: T, decision: FeedTrustDecision): T {
  if (JSON.stringify(record.feedTrust) === JSON.stringify(decision.trust)) return record
  return {...record, feedTrust: decision.trust}
}

/**
 * What to remember of a verified signed feed: the newest `published` seen, so an older feed served
 * later (a replay, or a frozen mirror) is refused. A `published` in the future (a vendor's clock
 * running ahead) is remembered as now, so it cannot lock out the vendor's next, correctly dated feed.
 */
export function acceptedFeed(record: AppRecord, published: string | undefined, now = Date.now()): AppRecord {
  if (!published) return record
  const capped = new Date(Math.min(Date.parse(published), now)).toISOString()
  if (record.feedPublished && Date.parse(record.feedPublished) >= Date.parse(capped)) return record
  return {...record, feedPublished: capped}
}
