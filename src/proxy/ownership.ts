import type {ProxyRoute} from './list.js'

/**
 * Who a proxy container and its routes belong to. Only one process can own ports 80/443, so discode
 * shares a kamal-proxy it finds (Kamal's, say) instead of failing: it deploys its own services into
 * it, but a container it did not create is never recreated, upgraded, stopped or removed, and a
 * route it did not create is never changed.
 */

/** Set on every proxy container (and its state volume) discode creates, since its first version. */
export const PROXY_LABEL = 'discode.proxy'

/** The label discode puts on every container of an app (see names/names.ts LABELS.app). */
const APP_LABEL = 'discode.app'

export interface ProxyOwnership {
  /** discode created it, so it may recreate, upgrade and remove it. */
  owned: boolean
  /** Who created it, as far as Docker tells: for messages. */
  owner: string
}

/**
 * Decided by the label alone: the container's name and volume cannot tell, since discode names them
 * as Kamal does (`kamal-proxy`, `kamal-proxy-config`) so that either finds the other's proxy.
 */
export function proxyOwnership(container: {labels?: Record<string, string> | null; networks: string[]}): ProxyOwnership {
  const labels = container.labels ?? {}
  if (labels[PROXY_LABEL] === 'true') return {owned: true, owner: 'discode'}
  // Kamal runs its proxy on its fixed network "kamal" and labels nothing.
  if (container.networks.includes('kamal')) return {owned: false, owner: 'Kamal (it is on the "kamal" network)'}
  const compose = labels['com.docker.compose.project']
  if (compose) return {owned: false, owner: `Docker Compose project "${compose}"`}
  const networks = container.networks.length > 0 ? `; networks: ${container.networks.join(', ')}` : ''
  return {owned: false, owner: `another tool (no ${PROXY_LABEL} label${networks})`}
}

/** How reports name the proxy's ownership. */
export function ownershipNote(ownership: ProxyOwnership): string {
  return ownership.owned ? 'owned by discode' : `shared (created by someone else: ${ownership.owner})`
}

export type RouteOwner = 'discode' | 'other' | 'unknown'

/**
 * Whose route this is, from the labels of the containers it targets (undefined: no such container).
 * discode's routes target its release containers, labelled with the app (= the service's name); any
 * other live target makes the route someone else's. A route whose targets are all gone is unknown.
 */
export function routeOwner(route: ProxyRoute, targetLabels: (Record<string, string> | undefined)[]): RouteOwner {
  const live = targetLabels.filter((labels): labels is Record<string, string> => labels !== undefined)
  if (live.some((labels) => labels[APP_LABEL] === route.service)) return 'discode'
  return live.length > 0 ? 'other' : 'unknown'
}

/** The routes discode created: those of its installed apps. Every other route is left alone. */
export function discodeRoutes(routes: ProxyRoute[], installedApps: Iterable<string>): ProxyRoute[] {
  const apps = new Set(installedApps)
  return routes.filter((route) => apps.has(route.service))
}

/** The container name in a kamal-proxy target (`name:port`, `[v6]:port` or a bare name). */
export function targetHost(target: string): string {
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(target)
  if (v6) return v6[1]
  return target.replace(/:\d+$/, '')
}
