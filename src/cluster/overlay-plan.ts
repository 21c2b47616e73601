import type {Settings} from '../config.js'
import type {NetworkFacts} from '../lifecycle/network-plan.js'

/**
 * Each cluster app has its own overlay network, `<DISCODE_NETWORK>-cluster-<app>` (the single-host
 * scheme over the cluster's base overlay, where the proxy lives): its release
 * services, hook jobs and accessories are on it and on nothing else. Installs made before this
 * shared the base overlay; they move with the same plan as on one host (planNetworkMove), their
 * services counted as the app's release units. Pure decisions only: src/cluster/overlay.ts acts.
 */

/** The base overlay of the cluster: the proxy's network there (and the one all cluster apps shared before). */
export function clusterNetworkName(settings: Pick<Settings, 'network'>): string {
  return `${settings.network}-cluster`
}

/**
 * The overlay network of one cluster app: `<base>-<app>`, not `<base>.<app>` as on one host, because
 * Swarm refuses a network name that is not a DNS name component (no dot). The base's name is fixed
 * and each app has one name, so no app can name another's (or the base) by choosing its own.
 */
export function clusterAppNetwork(settings: Pick<Settings, 'network'>, app: string): string {
  return `${clusterNetworkName(settings)}-${app}`
}

/** Whether encrypted overlay traffic flows between two nodes of this swarm, as the probe found. */
export interface EncryptionCheck {
  /** The swarm's id: a new swarm is checked again. */
  swarm: string
  works: boolean
  /** Why not, in one line (shown by `cluster status` and doctor). */
  reason?: string
  checkedAt: string
}

/** A service of the app as the move plan reads it: Swarm gives its networks as ids. */
export interface ServiceNetworks {
  name: string
  replicas?: number
  networkIds: string[]
}

/** The app's services as release units for planNetworkMove (a service at 0 replicas is a kept, stopped release). */
export function serviceUnits(services: ServiceNetworks[], names: Record<string, string>): NetworkFacts['containers'] {
  return services
    .filter((s) => s.replicas !== undefined)
    .map((s) => ({
      name: s.name,
      accessory: false,
      running: (s.replicas ?? 0) > 0,
      networks: s.networkIds.map((id) => names[id] ?? id),
    }))
}

/** The service's networks after a connect or disconnect, as Swarm's TaskTemplate.Networks (ids kept as they were). */
export function serviceNetworksAfter(
  current: {Target: string}[],
  change: {do: 'connect' | 'disconnect'; network: string; id: string},
): {Target: string}[] {
  const others = current.filter((n) => n.Target !== change.id && n.Target !== change.network)
  return change.do === 'connect' ? [...others, {Target: change.network}] : others
}

/**
 * Whether a new app overlay is encrypted: only where the probe saw encrypted traffic flow between two
 * nodes of this swarm. Otherwise it is created unencrypted, with the reason said (an encrypted overlay
 * on a kernel without ESP is created fine, then silently drops every packet between nodes).
 */
export function encryptionChoice(check: EncryptionCheck | undefined, swarm: string): {encrypted: boolean; reason?: string} {
  if (!check || check.swarm !== swarm) return {encrypted: false, reason: 'encryption was not checked on this swarm'}
  return check.works ? {encrypted: true} : {encrypted: false, reason: check.reason ?? 'encrypted traffic did not flow'}
}

/** Why encryption is off where the probe's client got no answer. */
const DROPPED = 'no answer between two nodes over an encrypted overlay (the kernel lacks IPsec ESP or AES-GCM)'

/**
 * The probe's verdict from its client job: exit 0 means the server on the other node answered over the
 * encrypted overlay. A probe whose server never ran proves nothing (not remembered, checked again).
 */
export function probeVerdict(
  job: {done: false} | {done: true; exitCode: number; reason?: string},
  server: {running: boolean; reason?: string},
): {works: boolean; conclusive: boolean; reason?: string} {
  if (!server.running) {
    return {works: false, conclusive: false, reason: `the probe could not run (${server.reason ?? 'its server task did not start'})`}
  }
  return job.done && job.exitCode === 0 ? {works: true, conclusive: true} : {works: false, conclusive: true, reason: DROPPED}
}

/** One line for status and doctor on an app's overlay. */
export function overlayNote(network: string, encrypted: boolean, reason?: string): string {
  return encrypted ? `${network}: encrypted` : `${network}: unencrypted, because ${reason ?? 'it was created without encryption'}`
}
