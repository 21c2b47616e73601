import type {Settings} from '../config.js'
import type {Engine} from '../lifecycle/context.js'
import {Proxy} from '../proxy/proxy.js'
import type {ClusterSettings} from '../state/store.js'

/** The attachable overlay network of discode's cluster apps (beside the single-host bridge network). */
export function clusterNetworkName(settings: Pick<Settings, 'network'>): string {
  return `${settings.network}-cluster`
}

/**
 * The engine a cluster app's operations use: the same Docker (a manager) and proxy container, with
 * the cluster's overlay network as the app network. Accessories and the proxy join it there, and
 * replicas on every node reach them over it.
 */
export function clusterEngine(engine: Engine, cluster: ClusterSettings): Engine {
  if (engine.settings.network === cluster.network) return engine
  const settings = {...engine.settings, network: cluster.network}
  return {...engine, settings, proxy: new Proxy(engine.docker, settings, (message) => engine.reporter.info(message))}
}
