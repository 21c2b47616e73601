import {chooseRelease, fetchFeed, type Release} from '../feed/feed.js'
import {fetchSignedFeed} from '../feed/verify.js'
import type {FeedSource} from '../recipes/installed.js'
import type {AppRecord} from '../state/store.js'
import {type Operation, step} from './operation.js'

export interface FoundRelease {
  release?: Release
  /** The verified `published` time of a signed feed. */
  published?: string
}

/**
 * Reads the vendor's feed (verifying its signature, expiry and freshness when the recipe has a
 * feedKey) and picks the release to run: `to`, or the newest stable one above `current`.
 */
export async function findRelease(
  op: Operation,
  feed: FeedSource,
  options: {current?: string; to?: string; newestAccepted?: string},
): Promise<FoundRelease> {
  return step(op, 'feed', feed.key ? 'Reading and verifying the signed release feed' : 'Reading the release feed', async () => {
    if (feed.key) {
      const signed = await fetchSignedFeed(feed.url, feed.key, {newestAccepted: options.newestAccepted})
      return {release: chooseRelease(signed.feed, options), published: signed.published}
    }
    const {feed: document} = await fetchFeed(feed.url)
    return {release: chooseRelease(document, options)}
  })
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
