import type {Engine} from '../lifecycle/context.js'
import {Proxy} from '../proxy/proxy.js'
import {overlayPort} from './overlay.js'
import {clusterAppNetwork, clusterNetworkName} from './overlay-plan.js'

export {clusterNetworkName} from './overlay-plan.js'

/**
 * The engine a cluster app's operations use: the same Docker (a manager) and proxy container, with
 * the app's own overlay as the app network (`<DISCODE_NETWORK>-cluster-<app>`). The proxy's own
 * network there is the cluster's base overlay, as DISCODE_NETWORK is on one host: settleAppNetwork
 * attaches the proxy and the accessories to the app's overlay, and moves an older install off the
 * base one (src/cluster/overlay.ts carries out the overlay and its services).
 */
export function clusterEngine(engine: Engine, app: string): Engine {
  // DISCODE_NETWORK: the proxy's network on one host (an app engine's own network is the app's).
  const root = {network: engine.appNetwork ? engine.proxy.baseNetwork.replace(/-cluster$/, '') : engine.proxy.baseNetwork}
  const network = clusterAppNetwork(root, app)
  if (engine.settings.network === network) return engine
  const base = {...engine.settings, network: clusterNetworkName(root)}
  return {
    ...engine,
    settings: {...engine.settings, network},
    proxy: new Proxy(engine.docker, base, (message) => engine.reporter.info(message)),
    appNetwork: overlayPort,
  }
}
