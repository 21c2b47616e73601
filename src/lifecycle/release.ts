import type {FeedTrustDecision} from '../feed/trust.js'
import type {AppRecord, FeedTrust} from '../state/store.js'

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
