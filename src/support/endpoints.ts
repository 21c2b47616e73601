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

/**
 * The feed URL as an install with the inputs' defaults would render it: `{{inputs.NAME}}` replaced by
 * that input's plain default. Undefined when anything else is templated (a license key without default).
 */
export function feedWithDefaults(feed: string, inputs: {name: string; default?: string}[]): string | undefined {
  const rendered = feed.replace(/\{\{\s*inputs\.([a-z_][a-z0-9_]*)\s*\}\}/g, (whole, name: string) => {
    const value = inputs.find((input) => input.name === name)?.default
    return value !== undefined && !hasTemplate(value) ? value : whole
  })
  return hasTemplate(rendered) ? undefined : rendered
}
