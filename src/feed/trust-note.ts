/** What status --offline says about an app's feed from its record alone (no recipe, no feed: cheap to load). */
import type {FeedTrust} from '../state/store.js'

/** The verdict kept in a record that asks for a warning without reading the recipe (status --offline). */
export function recordedFeedWarning(app: string, trust: FeedTrust | undefined): string | undefined {
  if (trust?.verdict === 'allowed') return `${app}'s feed is not signed: read because you allowed it (--allow-unsigned-feed)`
  if (trust?.verdict === 'legacy')
    return `${app}'s feed is not signed and is on another host: accept the risk with "discode update ${app} --allow-unsigned-feed", or ask the vendor for a feedKey`
  return undefined
}
