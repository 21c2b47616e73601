import {ensureOverlayNetwork, initSwarm, swarmMembership, workerJoinToken} from '../docker/swarm.js'
import {DiscodeError} from '../errors.js'
import type {Engine} from '../lifecycle/context.js'
import type {Recipe} from '../recipes/schema.js'
import type {ClusterSettings} from '../state/store.js'
import {clusterAppNetwork, clusterNetworkName} from './overlay-plan.js'
import {assertProcessesFit} from './process-spec.js'
import {clusterPlacement} from './service-spec.js'

/** The swarm discode drives: made or adopted by `cluster init`, required by every cluster app. */

export interface ClusterInit {
  /** True when this engine already was a swarm manager (nothing was changed but the network). */
  adopted: boolean
  nodeId: string
  network: string
  networkCreated: boolean
}

export async function initCluster(
  engine: Engine,
  options: {advertiseAddr?: string; listenAddr?: string; addressPool?: string},
): Promise<ClusterInit> {
  const before = await swarmMembership(engine.docker)
  if (before.state === 'active' && !before.manager) throw workerError()
  if (before.state !== 'active' && before.state !== 'inactive') {
    throw new DiscodeError(`This engine's swarm state is "${before.state}"`, {
      hint: 'See "docker info"; a locked swarm needs "docker swarm unlock"',
      code: 'CLUSTER_STATE',
    })
  }
  if (before.state === 'inactive') await initSwarm(engine.docker, options)
  const after = await swarmMembership(engine.docker)
  const network = clusterNetworkName(engine.settings)
  const networkCreated = await ensureOverlayNetwork(engine.docker, network)
  return {adopted: before.state === 'active', nodeId: after.nodeId ?? '', network, networkCreated}
}

/** What a new node runs to join as a worker. The token is a secret: it is printed, never logged. */
export async function joinCommand(engine: Engine): Promise<{command: string; token: string; manager: string}> {
  const membership = await requireManager(engine)
  const token = await workerJoinToken(engine.docker)
  const manager = membership.nodeAddress ? `${membership.nodeAddress}:2377` : (membership.managers[0] ?? '<manager-address>:2377')
  return {command: `docker swarm join --token ${token} ${manager}`, token, manager}
}

/** This engine's membership, refused unless it is a manager of an active swarm. */
export async function requireManager(engine: Engine) {
  const membership = await swarmMembership(engine.docker)
  if (membership.state !== 'active') {
    throw new DiscodeError('This Docker engine is not part of a cluster', {
      hint: 'Run "discode cluster init" on the machine that will manage it first',
      code: 'CLUSTER_NOT_INITIALIZED',
    })
  }
  if (!membership.manager) throw workerError()
  return membership
}

function workerError(): DiscodeError {
  return new DiscodeError('This Docker engine is a swarm worker; discode runs on a manager', {
    hint: 'Run discode on the manager node (see "docker node ls" there)',
    code: 'CLUSTER_NOT_MANAGER',
  })
}

/** How a new cluster app will run: checks the swarm, the network and where the app may be placed. */
export async function clusterSettingsFor(
  engine: Engine,
  app: string,
  recipe: Pick<Recipe, 'volumes' | 'strategy' | 'processes'>,
  replicas: number,
): Promise<ClusterSettings> {
  if (!Number.isInteger(replicas) || replicas < 1) {
    throw new DiscodeError(`--replicas ${replicas} is not a number of replicas`, {hint: 'Use a whole number from 1', code: 'BAD_REPLICAS'})
  }
  const membership = await requireManager(engine)
  const placement = clusterPlacement(app, recipe, replicas, membership.nodeId ?? '')
  // Refused before the install creates anything (its overlay, the encryption probe's services).
  assertProcessesFit(app, recipe)
  // The base overlay is the proxy's; the app's own overlay is made as its first release starts (overlay.ts).
  await ensureOverlayNetwork(engine.docker, clusterNetworkName(engine.settings))
  const network = clusterAppNetwork(engine.settings, app)
  return {replicas, network, ...(placement.pinnedTo ? {pinnedTo: placement.pinnedTo} : {})}
}
