import {chooseRelease, fetchFeed, type Release} from '../feed/feed.js'
import {type Engine, step, type Timings} from './context.js'

/** Reads the vendor's feed and picks the release to run: `to`, or the newest stable one above `current`. */
export async function findRelease(
  engine: Engine,
  timings: Timings,
  feedUrl: string,
  options: {current?: string; to?: string},
): Promise<Release | undefined> {
  return step(engine, timings, 'feed', `Reading the release feed`, async () => {
    const {feed} = await fetchFeed(feedUrl)
    return chooseRelease(feed, {current: options.current, to: options.to})
  })
}
