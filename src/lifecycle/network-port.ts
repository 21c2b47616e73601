import type {NetworkAction, NetworkFacts} from './network-plan.js'
import type {Operation} from './operation.js'

/**
 * What differs for an app whose network is a cluster overlay (src/cluster/overlay.ts): how the
 * network is made, and the release units that are services, not containers. settleAppNetwork plans
 * both kinds with the one planner (network-plan.ts).
 */
export interface AppNetworkPort {
  /** Creates the app's network (a cluster's: an overlay, encrypted where the cluster allows it). */
  create(op: Operation, network: string): Promise<void>
  /** The app's release units besides its containers (a cluster's services), with their networks by name. */
  units(op: Operation, networks: string[]): Promise<NetworkFacts['containers']>
  /** Moves one of those units on or off a network (a service's spec; used on stopped ones only). */
  move(op: Operation, action: Extract<NetworkAction, {do: 'connect' | 'disconnect'}>): Promise<void>
  /** Removes the app's network after an uninstall (an overlay once the removed services' tasks let go of it); false: kept, said why. */
  remove(op: Operation, network: string): Promise<boolean>
}
