import {containerName, ensureNetwork, inspectContainer, listContainers} from '../docker/docker.js'
import {connectNetwork, containersOnNetwork, disconnectNetwork, inspectNetwork, removeNetwork} from '../docker/networks.js'
import {ACCESSORY_LABELS} from './accessories/spec.js'
import {appNetworkLabels, appNetworkName, type NetworkAction, type NetworkFacts, planNetworkMove} from './network-plan.js'
import {type Operation, step} from './operation.js'
import {LABELS} from '../names/names.js'

/** Carries out planNetworkMove: each app on its own network, the proxy on every app's. */

/** Whether the op's network is the app's own (on a cluster: the app's overlay over the cluster's base one). */
function ownsNetwork(op: Operation): boolean {
  if (op.app === '') return false
  // A cluster app's engine has the app's overlay as its network (src/cluster/engine.ts).
  return op.engine.appNetwork !== undefined || op.engine.settings.network === appNetworkName(op.engine.proxy.baseNetwork, op.app)
}

async function networkFacts(op: Operation): Promise<NetworkFacts & {units?: NetworkFacts['containers']}> {
  const {docker, proxy} = op.engine
  const network = op.engine.settings.network
  const [info, proxyInfo, containers, units] = await Promise.all([
    inspectNetwork(docker, network),
    inspectContainer(docker, proxy.containerName),
    listContainers(docker, [`${LABELS.app}=${op.app}`]),
    op.engine.appNetwork?.units(op, [network, proxy.baseNetwork]) ?? [],
  ])
  return {
    network,
    exists: info !== undefined,
    shared: proxy.baseNetwork,
    proxy: proxyInfo && {name: proxy.containerName, networks: Object.keys(proxyInfo.NetworkSettings?.Networks ?? {})},
    containers: containers.map((c) => ({
      name: containerName(c),
      accessory: ACCESSORY_LABELS.accessory in (c.Labels ?? {}),
      running: c.State === 'running',
      networks: Object.keys(c.NetworkSettings?.Networks ?? {}),
    })),
    // A cluster app's services: its release units there (see src/cluster/overlay.ts).
    ...(units.length > 0 ? {units} : {}),
  }
}

async function apply(op: Operation, action: NetworkAction, units: Set<string>): Promise<void> {
  const {docker, appNetwork} = op.engine
  if (action.do !== 'create' && appNetwork && units.has(action.container)) await appNetwork.move(op, action)
  else if (action.do === 'create')
    await (appNetwork ? appNetwork.create(op, action.network) : ensureNetwork(docker, action.network, appNetworkLabels(op.app)))
  else if (action.do === 'connect') await connectNetwork(docker, action.network, action.container, action.alias ? [action.alias] : [])
  else await disconnectNetwork(docker, action.network, action.container)
}

/**
 * Makes sure the app's network exists with the proxy and the accessories on it, and moves what an
 * older install left on the shared network (see planNetworkMove). Idempotent: run before anything
 * starts on the network, and again once an old release is retired, which finishes a move.
 */
export async function settleAppNetwork(op: Operation): Promise<void> {
  if (!ownsNetwork(op)) return
  const facts = await networkFacts(op)
  const {actions, pending} = planNetworkMove({...facts, containers: [...facts.containers, ...(facts.units ?? [])]})
  const units = new Set((facts.units ?? []).map((u) => u.name))
  if (actions.length === 0) return
  const moving = actions.some((a) => a.do === 'disconnect' || (a.do === 'connect' && a.container !== op.engine.proxy.containerName))
  const message = moving
    ? `Moving ${op.app} to its own network ${op.engine.settings.network}`
    : `Checking network ${op.engine.settings.network}`
  await step(op, 'network', message, async () => {
    for (const action of actions) await apply(op, action, units)
  })
  if (pending.length > 0) {
    op.reporter.info(
      `${pending.join(', ')} still serves on the shared network ${op.engine.proxy.baseNetwork}: ${op.app}'s accessories leave it once a new release replaces it`,
    )
  }
}

export interface NetworkRemoval {
  name: string
  removed: boolean
  /** Containers of other tools still on it: the network is kept for them. */
  usedBy: string[]
}

/** After an uninstall: the proxy leaves the app's network, which goes unless someone else uses it. */
export async function removeAppNetwork(op: Operation): Promise<NetworkRemoval | undefined> {
  if (!ownsNetwork(op)) return undefined
  const {docker, proxy} = op.engine
  const name = op.engine.settings.network
  if (!(await inspectNetwork(docker, name))) return undefined
  return step(op, 'network', `Removing network ${name}`, async () => {
    await disconnectNetwork(docker, name, proxy.containerName)
    const usedBy = await containersOnNetwork(docker, name)
    if (usedBy.length > 0) {
      op.reporter.warn(`Network ${name} is kept: other containers use it (${usedBy.join(', ')})`)
      return {name, removed: false, usedBy}
    }
    if (op.engine.appNetwork) return {name, removed: await op.engine.appNetwork.remove(op, name), usedBy}
    await removeNetwork(docker, name)
    return {name, removed: true, usedBy}
  })
}
