/**
 * Each app has its own Docker network, `<DISCODE_NETWORK>.<app>` (app names hold no dot, so no app
 * can name another's): its releases, hook runs and accessories are on it and on nothing else, and
 * the proxy joins every app's network. Installs made before this shared one network (the proxy's,
 * DISCODE_NETWORK); planNetworkMove decides how such an app moves to its own without a failed
 * request, from what Docker shows now, so the next command finishes a move a crash interrupted.
 */

import type {Engine} from './context.js'

/** The network of one app; `base` is DISCODE_NETWORK, where the proxy itself lives. */
export function appNetworkName(base: string, app: string): string {
  return `${base}.${app}`
}

/**
 * The engine an app's operations use on one host: its network is the app's own. The proxy stays
 * the engine's (created on DISCODE_NETWORK, joining each app's network).
 */
export function appNetworkEngine(engine: Engine, app: string): Engine {
  const network = appNetworkName(engine.proxy.baseNetwork, app)
  return engine.settings.network === network ? engine : {...engine, settings: {...engine.settings, network}}
}

/** Labels of an app network: discode made it, for this app (proxy boot attaches to each). */
export function appNetworkLabels(app: string): Record<string, string> {
  return {'discode.network': 'app', 'discode.app': app}
}

export interface NetworkFacts {
  /** The app's own network, and whether it exists. */
  network: string
  exists: boolean
  /** The shared network of older installs (DISCODE_NETWORK). */
  shared: string
  proxy?: {name: string; networks: string[]}
  /** The app's containers (releases, hook runs, accessories). */
  containers: {name: string; accessory: boolean; running: boolean; networks: string[]}[]
}

export type NetworkAction =
  | {do: 'create'; network: string}
  /** `alias`: the accessory's DNS name on the app network (its container name, said explicitly). */
  | {do: 'connect'; network: string; container: string; alias?: string}
  | {do: 'disconnect'; network: string; container: string}

export interface NetworkPlan {
  actions: NetworkAction[]
  /** A running release is still on the shared network: the move ends once it stops serving. */
  pending: string[]
}

/**
 * What brings the app to its own network. Creating it, attaching the proxy and the accessories
 * (which stay on the shared network too while a release there still uses them) never interrupts a
 * request; a stopped release (kept for rollback) moves at once; a running one is never touched: the
 * next release starts on the app network, the proxy switches to it there, and once the old one is
 * retired the accessories leave the shared network.
 */
export function planNetworkMove(facts: NetworkFacts): NetworkPlan {
  const {network, shared} = facts
  const actions: NetworkAction[] = facts.exists ? [] : [{do: 'create', network}]
  if (facts.proxy && !facts.proxy.networks.includes(network)) actions.push({do: 'connect', network, container: facts.proxy.name})
  const onShared = (c: NetworkFacts['containers'][number]) => shared !== network && c.networks.includes(shared)
  const pending = facts.containers.filter((c) => !c.accessory && c.running && onShared(c)).map((c) => c.name)
  for (const c of facts.containers) {
    const moves = c.accessory ? pending.length === 0 : !c.running
    if (!c.networks.includes(network) && (c.accessory || moves)) {
      actions.push({do: 'connect', network, container: c.name, ...(c.accessory ? {alias: c.name} : {})})
    }
    if (onShared(c) && moves) actions.push({do: 'disconnect', network: shared, container: c.name})
  }
  return {actions, pending}
}
