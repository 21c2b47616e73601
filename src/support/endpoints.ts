/** Where preflight and doctor probe a vendor's feed (the registry's API root: registryUrl in src/docker/reference.ts). */
import {hasTemplate} from '../recipes/schema.js'

/**
 * The feed URL to probe. A templated one (a license key in the query) cannot be filled in before
 * the inputs are known: its server is probed instead, which says as much about the network.
 */
export function feedProbeUrl(feed: string): string | undefined {
  if (!hasTemplate(feed)) return feed
  const before = feed.slice(0, feed.indexOf('{{'))
  try {
    const url = new URL(before)
    return hasTemplate(url.host) ? undefined : `${url.origin}/`
  } catch {
    return undefined
  }
}
