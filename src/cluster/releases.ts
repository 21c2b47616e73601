import {setTimeout as sleep} from 'node:timers/promises'

import {credentialsFor, inspectImage, type RegistryAuth} from '../docker/docker.js'
import {
  createService,
  inspectService,
  listNodes,
  listServices,
  swarmMembership,
  listTasks,
  removeService,
  scaleService,
  serviceLogText,
} from '../docker/swarm.js'
import {DiscodeError} from '../errors.js'
import type {ReleaseImage} from '../lifecycle/container-spec.js'
import {LABELS, releaseContainerName, releaseKey} from '../names/names.js'
import {type Operation, step} from '../lifecycle/operation.js'
import {switchTraffic} from '../lifecycle/proxy-steps.js'
import type {SeenContainer} from '../lifecycle/reconcile-plan.js'
import {FAILURE_LOG_LINES} from '../lifecycle/release-container.js'
import {parseDuration} from '../recipes/duration.js'
import {registryCredentials} from '../recipes/installed.js'
import type {Recipe} from '../recipes/schema.js'
import type {ClusterSettings, ReleaseRecord} from '../state/store.js'
import {
  clusterPlacement,
  clusterPullRef,
  IMAGE_ID_LABEL,
  maxReplicasPerNode,
  type Placement,
  releaseServiceSpec,
  type ServiceRelease,
} from './service-spec.js'
import {onNodesRef, readNodeImages} from './node-images.js'
import {crashedReplicas, judgeReplicas, tasksStillUp} from './tasks.js'

/** The steps that create, scale and remove the Swarm service of one release (`APP-<key>`). */

/** Extra time beyond the recipe's deploy timeout for every node to pull the image. */
const PULL_ALLOWANCE_MS = 120_000
/** Task states are read from the manager (one API call): a short interval ends each wait soon after Swarm does. */
const POLL_MS = 150
/** Task times come from the manager's clock, which is this machine's: a little slack suffices. */
const CLOCK_SLACK_MS = 2000

/** The registry credentials every node pulls with (the app's, as for a single host). */
export async function clusterAuth(op: Operation, recipe: Recipe, image: string): Promise<RegistryAuth | undefined> {
  const credentials = registryCredentials(recipe, await op.engine.store.readSecrets(op.app))
  return credentialsFor(image, recipe.image, credentials)
}

/** The release as a service runs it: by its id when a bundle loaded it onto every node, else the digest the manager pulled. */
export async function serviceRelease(op: Operation, release: ReleaseImage & {key?: string}): Promise<ServiceRelease> {
  const onNodes = onNodesRef(release.imageId, readNodeImages(op.engine.settings.home))
  const pullRef = onNodes ?? clusterPullRef(release.image, (await inspectImage(op.engine.docker, release.imageId))?.repoDigests ?? [])
  return {...release, pullRef, key: release.key ?? releaseKey(release.version, release.imageId)}
}

/** Creates the release's service (a leftover of the same name is replaced) and waits for all replicas. */
export async function startService(op: Operation, cluster: ClusterSettings, recipe: Recipe, release: ReleaseImage): Promise<ReleaseRecord> {
  const ready = await serviceRelease(op, release)
  const name = releaseContainerName(op.app, ready.key)
  const placement = await placementFor(op, cluster, recipe)
  await step(op, 'start', `Starting ${name} (${release.version}, ${cluster.replicas} replicas)`, async () => {
    await removeService(op.engine.docker, name)
    const spec = releaseServiceSpec(op.app, recipe, ready, {
      name,
      replicas: cluster.replicas,
      network: op.engine.settings.network,
      placement,
    })
    await createService(op.engine.docker, spec, await clusterAuth(op, recipe, release.image))
    try {
      await waitForReplicas(op, name, cluster.replicas, replicasTimeout(recipe))
    } catch (error) {
      // Never left behind restarting: removed, with its replicas' last lines kept for the error.
      throw withLogs(error, await discardService(op, {container: name}))
    }
  })
  return {version: release.version, image: release.image, imageId: release.imageId, key: ready.key, container: name}
}

/** How long replicas may take to run: the recipe's deploy timeout, plus time for every node to pull. */
export function replicasTimeout(recipe: Recipe): number {
  return (parseDuration(recipe.health.deployTimeout) ?? 30_000) + PULL_ALLOWANCE_MS
}

/**
 * Checked for every release, not only at install: a newer recipe that adds volumes (or turns to the
 * pause strategy) is refused here, before anything changes, and the old release keeps serving.
 */
export async function placementFor(op: Operation, cluster: ClusterSettings, recipe: Recipe): Promise<Placement> {
  const manager = cluster.pinnedTo ?? (recipe.volumes.length > 0 ? (await swarmMembership(op.engine.docker)).nodeId : undefined)
  const placement = clusterPlacement(op.app, recipe, cluster.replicas, manager ?? '')
  return placement.pinnedTo ? placement : {maxPerNode: maxReplicasPerNode(cluster.replicas, await readyNodeCount(op))}
}

async function readyNodeCount(op: Operation): Promise<number> {
  return (await listNodes(op.engine.docker)).filter((n) => n.state === 'ready' && n.availability === 'active').length
}

/** Polls the service's tasks until all replicas run; a release whose tasks keep failing is refused. */
export async function waitForReplicas(op: Operation, name: string, wanted: number, timeoutMs: number): Promise<void> {
  const since = new Date(Date.now() - CLOCK_SLACK_MS)
  const deadline = Date.now() + timeoutMs
  let last = ''
  for (;;) {
    const state = judgeReplicas(await listTasks(op.engine.docker, name), wanted, since)
    if (state.verdict === 'ready') return
    const progress = `${state.running}/${wanted} replicas running${state.reason ? `: ${state.reason}` : ''}`
    if (progress !== last) op.reporter.info(`${name}: ${(last = progress)}`)
    if (state.verdict === 'failed') {
      throw new DiscodeError(`${name} could not start its replicas: ${state.reason ?? 'its tasks failed'}`, {
        hint: `See "docker service ps ${name} --no-trunc"`,
        code: 'REPLICAS_FAILED',
      })
    }
    if (Date.now() > deadline) {
      throw new DiscodeError(`${name} has ${state.running} of ${wanted} replicas running after waiting`, {
        hint: `${state.reason ?? 'Some nodes may be down or unable to pull the image'}: see "docker service ps ${name} --no-trunc"`,
        code: 'REPLICAS_TIMEOUT',
      })
    }
    await sleep(POLL_MS)
  }
}

/**
 * The switch of a cluster release, reporting a crash of its replicas rather than the proxy's symptom
 * ("cannot resolve", a health-check timeout) when the replicas ran at first, then crashed while the
 * proxy was checking them: whichever was seen first, the customer learns that the release crashes.
 */
export async function switchToService(op: Operation, recipe: Recipe, release: ReleaseRecord, cluster: ClusterSettings): Promise<void> {
  const since = new Date(Date.now() - replicasTimeout(recipe) - CLOCK_SLACK_MS)
  try {
    await switchTraffic(op, recipe, release)
  } catch (error) {
    const crash = crashedReplicas(await listTasks(op.engine.docker, release.container).catch(() => []), cluster.replicas, since)
    if (!crash) throw error
    throw new DiscodeError(`${release.container} could not start its replicas: ${crash}`, {
      hint: `See "docker service ps ${release.container} --no-trunc"`,
      code: 'REPLICAS_FAILED',
      cause: error,
    })
  }
}

function withLogs(error: unknown, logs: string): unknown {
  const lines = logs.trim().split('\n').filter(Boolean)
  if (!(error instanceof DiscodeError) || lines.length === 0) return error
  const tail = `Last log lines of its replicas:\n${lines.map((l) => `  | ${l}`).join('\n')}`
  return new DiscodeError(error.message, {code: error.code, hint: [error.hint, tail].filter(Boolean).join('\n'), cause: error})
}

/** A kept release's service scaled back up (created again from its image if it was removed). */
export async function reviveService(op: Operation, cluster: ClusterSettings, recipe: Recipe, release: ReleaseRecord): Promise<void> {
  if (!(await inspectService(op.engine.docker, release.container))) {
    await startService(op, cluster, recipe, release)
    return
  }
  await step(op, 'start', `Scaling ${release.container} (${release.version}) back to ${cluster.replicas} replicas`, async () => {
    await scaleService(op.engine.docker, release.container, cluster.replicas, await clusterAuth(op, recipe, release.image))
    await waitForReplicas(op, release.container, cluster.replicas, replicasTimeout(recipe))
  })
}

/** A release that no longer serves: scaled to 0 (its replicas stopped), its service kept for a fast rollback. */
export async function retireService(op: Operation, release: ReleaseRecord): Promise<void> {
  await step(op, 'retire', `Scaling ${release.container} (${release.version}) to 0 replicas`, () => scaleDown(op, release.container))
}

/** Scales a service to 0 and waits until its replicas have stopped. */
export async function scaleDown(op: Operation, name: string): Promise<void> {
  await scaleService(op.engine.docker, name, 0)
  await waitForStopped(op, name)
}

/** Each task gets its stop grace period; past this the scale-down is left to Swarm, with a warning. */
const STOP_WAIT_MS = 120_000

async function waitForStopped(op: Operation, name: string): Promise<void> {
  const deadline = Date.now() + STOP_WAIT_MS
  while (tasksStillUp(await listTasks(op.engine.docker, name)) > 0) {
    if (Date.now() > deadline) return op.reporter.warn(`${name} still has replicas stopping; Swarm goes on stopping them`)
    await sleep(POLL_MS)
  }
}

/** Removes a release that never took traffic; returns its replicas' last log lines for the error. */
export async function discardService(op: Operation, release: {container: string}): Promise<string> {
  const logs = await serviceLogText(op.engine.docker, release.container, FAILURE_LOG_LINES).catch(() => '')
  await removeService(op.engine.docker, release.container)
  return logs
}

/** The app's services as planReconcile reads containers: scaled to 0 counts as stopped. */
export async function appServices(op: Pick<Operation, 'engine' | 'app'>): Promise<SeenContainer[]> {
  const services = await listServices(op.engine.docker, `${LABELS.app}=${op.app}`)
  return services.map((s) => ({
    name: s.name,
    state: s.replicas === 0 ? 'exited' : 'running',
    labels: s.labels,
    imageId: s.labels[IMAGE_ID_LABEL] ?? '',
    replicas: s.replicas,
  }))
}

/** Step `services`: every service of the app (releases and hook jobs) removed, for uninstall. */
export async function removeAppServices(op: Operation): Promise<void> {
  const services = await listServices(op.engine.docker, `${LABELS.app}=${op.app}`)
  await step(op, 'services', `Removing ${services.length} service(s) from the cluster`, async () => {
    for (const service of services) await removeService(op.engine.docker, service.name)
  })
}
