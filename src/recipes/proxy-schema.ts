/**
 * The recipe's `proxy:` key: how kamal-proxy routes to the app. Each option maps to the `kamal-proxy
 * deploy` flag of the same meaning (src/proxy/deploy-args.ts builds them; src/proxy/proxy-versions.ts
 * says which proxy version has each).
 */
import {z} from 'zod'

import {parseSize} from './requirements.js'
import {describeValue} from './issues.js'
import {isHostList, isHostName} from './hosts.js'

type Text = z.ZodType<string, string>
type Formatted = (test: (value: string) => boolean, what: string) => Text

/** A body size: bytes (a number) or a size such as `10MB` (1024-based, like requirements). */
const bodySize = z
  .union([z.number().int().min(1), z.string()])
  .refine((value) => typeof value === 'number' || parseSize(value) !== undefined, {
    error: (issue) => `${describeValue(issue.input)} is not a size (e.g. 10MB, or a number of bytes)`,
  })

/** Bytes in a body size as the recipe writes it. */
export function bodySizeBytes(value: number | string): number {
  return typeof value === 'number' ? value : (parseSize(value) ?? 0)
}

/** An optional hostname input left empty means "no host": the catch-all route (when no other host is left). */
export function withoutEmptyHosts<P extends {host?: string; hosts?: string[]}>(proxy: P): P {
  const {host, hosts, ...rest} = proxy
  const kept = hosts?.filter((name) => name.trim() !== '')
  return {...rest, ...(host?.trim() ? {host} : {}), ...(kept?.length ? {hosts: kept} : {})} as P
}

const isPathPrefix = (value: string) => /^\/[^\s?#]*$/.test(value) && value !== '/'

export type TlsMode = 'auto' | 'custom' | 'off'

export const PROXY_DEFAULT = {tls: 'off' as TlsMode}

export function proxySchema({formatted, duration}: {formatted: Formatted; duration: Text}) {
  return z
    .strictObject({
      /** Omitted (and no `hosts`) = catch-all route. */
      host: formatted(isHostList, 'a hostname (or a comma-separated list of hostnames)').optional(),
      /** Several host names for the one app (`--host`, repeated). */
      hosts: z.array(formatted(isHostName, 'a hostname')).min(1).optional(),
      /**
       * auto: kamal-proxy obtains certificates (Let's Encrypt); custom: the customer's own (`--tls-cert`/`--tls-key`
       * at install); off. `true`/`false` mean auto/off.
       */
      tls: z
        .union([z.boolean(), z.enum(['auto', 'custom', 'off'])])
        .default(false)
        .transform((tls): TlsMode => (tls === true ? 'auto' : tls === false ? 'off' : tls)),
      /** The app below a path (`--path-prefix`), e.g. `/shop`. */
      pathPrefix: formatted(isPathPrefix, 'a path prefix (it must start with / and name a path, e.g. /shop)').optional(),
      /** Whether the proxy removes the prefix before forwarding (`--strip-path-prefix`, the proxy's default: true). */
      stripPathPrefix: z.boolean().optional(),
      /** How long a request may wait for the app's response before a 504 (`--target-timeout`, proxy default 30s). */
      targetTimeout: duration.optional(),
      bufferRequests: z.boolean().optional(),
      /** Larger request bodies get a 413 (`--max-request-body`; implies request buffering). */
      maxRequestBody: bodySize.optional(),
      bufferResponses: z.boolean().optional(),
      maxResponseBody: bodySize.optional(),
      /** Pass X-Forwarded-For/-Proto/-Host on (`--forward-headers`; the proxy's default: on without TLS, off with it). */
      forwardHeaders: z.boolean().optional(),
    })
    .refine((proxy) => proxy.host === undefined || proxy.hosts === undefined, {
      path: ['hosts'],
      error: 'set either proxy.host or proxy.hosts, not both',
    })
    .refine((proxy) => proxy.tls === 'off' || proxy.host !== undefined || proxy.hosts !== undefined, {
      path: ['tls'],
      error: 'needs proxy.host or proxy.hosts (a certificate is issued per host)',
    })
    .refine((proxy) => proxy.tls === 'off' || proxy.pathPrefix === undefined, {
      path: ['pathPrefix'],
      error: 'cannot be combined with tls (kamal-proxy takes TLS settings only on a route for the whole host)',
    })
    .refine((proxy) => proxy.maxRequestBody === undefined || proxy.bufferRequests !== false, {
      path: ['maxRequestBody'],
      error: 'needs request buffering (the proxy limits only bodies it buffers): drop "bufferRequests: false"',
    })
    .refine((proxy) => proxy.maxResponseBody === undefined || proxy.bufferResponses !== false, {
      path: ['maxResponseBody'],
      error: 'needs response buffering (the proxy limits only bodies it buffers): drop "bufferResponses: false"',
    })
}
