/**
 * Which kamal-proxy version has each recipe proxy option, as the project's reference
 * (../shared/reference/kamal-proxy.md, read from the tags v0.8.7 and v0.9.2) documents them. An option
 * older than both tags is not listed; one the reference only confirms for v0.9.2 needs v0.9.2.
 */
import coerce from 'semver/functions/coerce.js'
import lt from 'semver/functions/lt.js'

import {DiscodeError} from '../errors.js'
import type {Recipe} from '../recipes/schema.js'

type ProxyOption = keyof Recipe['proxy']

/** The oldest kamal-proxy that has the option's flag. */
export const PROXY_OPTION_SINCE: Partial<Record<ProxyOption, {flag: string; since: string}>> = {
  pathPrefix: {flag: '--path-prefix', since: '0.9.0'},
  stripPathPrefix: {flag: '--strip-path-prefix', since: '0.9.2'},
  maxRequestBody: {flag: '--max-request-body', since: '0.9.2'},
  maxResponseBody: {flag: '--max-response-body', since: '0.9.2'},
}

/** The version in an image tag such as `basecamp/kamal-proxy:v0.9.2`; undefined for `latest` or a digest. */
export function proxyImageVersion(image: string): string | undefined {
  if (image.includes('@')) return undefined
  const tag = /:([^/:]+)$/.exec(image)?.[1]
  if (!tag || !/^v?\d+\.\d+(\.\d+)?$/.test(tag)) return undefined
  return coerce(tag)?.version
}

export interface UnsupportedOption {
  option: string
  flag: string
  since: string
}

/** The options set in `proxy` that `image` is too old for; an image whose version is unknown is trusted. */
export function unsupportedProxyOptions(proxy: object, image: string): UnsupportedOption[] {
  const version = proxyImageVersion(image)
  if (!version) return []
  return Object.entries(PROXY_OPTION_SINCE)
    .filter(([option, need]) => (proxy as Record<string, unknown>)[option] !== undefined && lt(version, need.since))
    .map(([option, need]) => ({option: `proxy.${option}`, flag: need.flag, since: `v${need.since}`}))
}

/** One line per option, e.g. `proxy.pathPrefix (--path-prefix) needs kamal-proxy v0.9.0 or newer`. */
export function describeUnsupported(found: UnsupportedOption[], image: string): string[] {
  return found.map(({option, flag, since}) => `${option} (${flag}) needs kamal-proxy ${since} or newer; the proxy image is ${image}`)
}

/** Refuses options the proxy image is too old for, naming the version that has them. */
export function assertProxySupports(proxy: object, image: string): void {
  const found = unsupportedProxyOptions(proxy, image)
  if (found.length === 0) return
  throw new DiscodeError(describeUnsupported(found, image).join('; '), {
    code: 'PROXY_TOO_OLD',
    hint: `Set DISCODE_PROXY_IMAGE=basecamp/kamal-proxy:${found
      .map((f) => f.since)
      .sort()
      .at(-1)} and run "discode proxy reboot", or ask the vendor for a recipe without ${found.map((f) => f.option).join(', ')}`,
  })
}
