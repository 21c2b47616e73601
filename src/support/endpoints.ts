/** Where preflight and doctor probe a vendor: the image registry's API root and the feed's server. */
import {registryOf} from '../docker/docker.js'
import {hasTemplate} from '../recipes/schema.js'

/** Docker's rule: a registry on a loopback host speaks plain HTTP, any other HTTPS; Docker Hub has its own host. */
export function registryUrl(image: string): string | undefined {
  if (hasTemplate(image)) return undefined
  const host = registryOf(image)
  if (host === 'docker.io') return 'https://registry-1.docker.io/v2/'
  const name = host.replace(/:\d+$/, '')
  const loopback = name === 'localhost' || /^127\./.test(name) || name === '[::1]'
  return `${loopback ? 'http' : 'https'}://${host}/v2/`
}

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
