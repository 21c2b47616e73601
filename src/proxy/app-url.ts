import type {HookUrl} from '../../packages/discode-types/index.js'

/** The address a customer opens for an app: the proxy's HTTP port is part of it unless it is 80. */
export function appUrl(host: string, httpPort: number): string {
  return httpPort === 80 ? `http://${host}` : `http://${host}:${httpPort}`
}

/**
 * An app's address as vendor hooks get it (`context.url`, the types package's `HookUrl`): https when
 * the proxy terminates TLS for it, at the first of the recipe's hosts; none for a catch-all route (it
 * has no name to give).
 */
export function hookUrl(
  proxy: {tls: string; pathPrefix?: string},
  hosts: string[],
  ports: {proxyHttpPort: number; proxyHttpsPort: number},
): HookUrl | undefined {
  const host = hosts[0]
  if (!host) return undefined
  const scheme = proxy.tls === 'off' ? 'http' : 'https'
  const port = scheme === 'http' ? ports.proxyHttpPort : ports.proxyHttpsPort
  const path = proxy.pathPrefix ?? '/'
  const shownPort = port === (scheme === 'http' ? 80 : 443) ? '' : `:${port}`
  return {href: `${scheme}://${host}${shownPort}${path}`, scheme, host, port, path}
}
