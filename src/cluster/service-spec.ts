import {DiscodeError} from '../errors.js'
import {stopSettings} from '../lifecycle/stop-policy.js'
import {LABELS} from '../names/names.js'
import type {Recipe} from '../recipes/schema.js'

/**
 * How a release runs in a Swarm cluster, as Docker's ServiceSpec: pure, so every choice below is
 * unit-tested without a cluster.
 * - Endpoint mode dnsrr: the service name resolves to its tasks' addresses, so kamal-proxy reaches
 *   them without a virtual IP (VIPs need IPVS in the kernel, which some hosts lack; dnsrr works on all).
 * - Spread over nodes: by preference, and by a per-node limit of each node's share (maxReplicasPerNode).
 * - `DISCODE_NODE` tells each replica which node it runs on (for the app's logs and the tests).
 */

/** Label on the service: the manager's image id of the release (what planReconcile calls imageId). */
export const IMAGE_ID_LABEL = 'discode.image-id'

/** Where the app's tasks may run: anywhere, or on one node (an app with volumes). */
export interface Placement {
  /** `node.id==<id>` when the app's volumes tie it to one node. */
  pinnedTo?: string
  /** At most this many replicas on one node (see maxReplicasPerNode). */
  maxPerNode?: number
}

/**
 * The per-node limit that keeps replicas spread: each node's share of the ready nodes. Swarm's spread
 * preference alone lets two replicas land on one node. With the limit, a lost node's replica waits
 * (pending) instead of doubling up elsewhere, and is placed on the node as soon as it is back.
 */
export function maxReplicasPerNode(replicas: number, readyNodes: number): number {
  return Math.ceil(replicas / Math.max(1, readyNodes))
}

export interface ServiceRelease {
  version: string
  /** The feed's reference (label only). */
  image: string
  /** What every node pulls: the repository with the digest the manager pulled. */
  pullRef: string
  imageId: string
  key: string
}

/** Decides where an app may run: refuses several replicas over local volumes (the data would split). */
export function clusterPlacement(
  app: string,
  recipe: Pick<Recipe, 'volumes' | 'strategy'>,
  replicas: number,
  managerNode: string,
): Placement {
  if (recipe.strategy !== 'bluegreen') {
    throw new DiscodeError(`${app} uses the ${recipe.strategy} strategy, which a cluster does not run`, {
      hint: 'A pause app has one writer that cannot run twice: install it without --cluster',
      code: 'CLUSTER_UNSUPPORTED',
    })
  }
  if (recipe.volumes.length === 0) return {}
  if (replicas > 1) {
    const names = recipe.volumes.map((v) => v.name).join(', ')
    throw new DiscodeError(
      `${app} keeps data in local volumes (${names}): ${replicas} replicas on several nodes would each write their own copy`,
      {
        hint: 'Swarm does not move or share local volumes between nodes: use --replicas 1 (pinned to this manager, beside its volumes)',
        code: 'CLUSTER_VOLUMES',
      },
    )
  }
  return {pinnedTo: managerNode}
}

function envList(env: Record<string, string>): string[] {
  return [...Object.entries(env).map(([k, v]) => `${k}=${v}`), 'DISCODE_NODE={{.Node.Hostname}}']
}

/** The task template shared by a release's service and its hook jobs. */
function taskTemplate(
  app: string,
  recipe: Recipe,
  release: ServiceRelease,
  network: string,
  placement: Placement,
  restart: 'any' | 'none',
) {
  const stop = stopSettings(recipe.stop, 'web')
  return {
    ContainerSpec: {
      Image: release.pullRef,
      Env: envList(recipe.env),
      Mounts: recipe.volumes.map((v) => ({Type: 'volume', Source: `${app}-${v.name}`, Target: v.path})),
      // Without a recipe signal the image's STOPSIGNAL applies.
      ...(stop.signal ? {StopSignal: stop.signal} : {}),
      StopGracePeriod: stop.timeoutSeconds * 1e9,
      Init: recipe.init,
    },
    RestartPolicy: restart === 'any' ? {Condition: 'any', Delay: 5e9, MaxAttempts: 0} : {Condition: 'none'},
    Placement: {
      Constraints: placement.pinnedTo ? [`node.id==${placement.pinnedTo}`] : [],
      Preferences: [{Spread: {SpreadDescriptor: 'node.id'}}],
      ...(placement.maxPerNode ? {MaxReplicas: placement.maxPerNode} : {}),
    },
    Networks: [{Target: network}],
    LogDriver: {Name: 'json-file', Options: {'max-size': '10m'}},
  }
}

/** The service `APP-<key>` of one release: N replicas, labelled like a release container. */
export function releaseServiceSpec(
  app: string,
  recipe: Recipe,
  release: ServiceRelease,
  options: {name: string; replicas: number; network: string; placement: Placement},
): Record<string, unknown> {
  return {
    Name: options.name,
    Labels: {
      [LABELS.app]: app,
      [LABELS.version]: release.version,
      [LABELS.release]: release.key,
      [LABELS.image]: release.image,
      [IMAGE_ID_LABEL]: release.imageId,
    },
    TaskTemplate: taskTemplate(app, recipe, release, options.network, options.placement, 'any'),
    Mode: {Replicated: {Replicas: options.replicas}},
    // Swarm's own task replacements (a rebalance) go one at a time and stop on a failure.
    UpdateConfig: {Parallelism: 1, Order: 'stop-first', FailureAction: 'pause', Monitor: 5e9},
    EndpointSpec: {Mode: 'dnsrr'},
  }
}

/** A one-off Swarm job of the release's image running `cmd` once (a hook), never restarted. */
export function hookJobSpec(
  app: string,
  recipe: Recipe,
  release: ServiceRelease,
  options: {name: string; cmd: string[]; hook: string; network: string; placement: Placement},
): Record<string, unknown> {
  const template = taskTemplate(app, recipe, release, options.network, options.placement, 'none')
  return {
    Name: options.name,
    Labels: {[LABELS.app]: app, [LABELS.hook]: options.hook},
    TaskTemplate: {...template, ContainerSpec: {...template.ContainerSpec, Command: options.cmd}},
    Mode: {ReplicatedJob: {MaxConcurrent: 1, TotalCompletions: 1}},
    EndpointSpec: {Mode: 'dnsrr'},
  }
}

/**
 * The reference every node pulls: the manager pulled the feed's image; its repo digest (same
 * repository) pins the bits, so all nodes run exactly what was checked. An image no registry knows
 * (built or loaded on this host only) cannot reach the other nodes.
 */
export function clusterPullRef(image: string, repoDigests: string[]): string {
  const repository = image.includes('@') ? image.slice(0, image.indexOf('@')) : image.replace(/:[^:/]+$/, '')
  const digest = repoDigests.find((d) => d.startsWith(`${repository}@`))
  if (!digest) {
    throw new DiscodeError(`The image ${image} has no digest from its registry, so the other nodes cannot pull it`, {
      hint: 'A cluster pulls every image from a registry all nodes reach: publish the image there and name it in the feed',
      code: 'CLUSTER_IMAGE_NOT_IN_REGISTRY',
    })
  }
  return digest
}

/**
 * A release's spec changed so that Swarm replaces every task under the per-node limit of the nodes
 * ready now (a rebalance): one at a time, the new task first when a node has room for it, else the
 * old one stopped first (Swarm drops its DNS record and waits before stopping it; the others serve).
 */
export function respreadSpec(spec: Record<string, unknown>, replicas: number, readyNodes: number): Record<string, unknown> {
  const template = spec.TaskTemplate as {ForceUpdate?: number; Placement?: Record<string, unknown>}
  const maxPerNode = maxReplicasPerNode(replicas, readyNodes)
  const room = maxPerNode * readyNodes > replicas
  return {
    ...spec,
    TaskTemplate: {...template, Placement: {...template.Placement, MaxReplicas: maxPerNode}, ForceUpdate: (template.ForceUpdate ?? 0) + 1},
    UpdateConfig: {...(spec.UpdateConfig as object), Parallelism: 1, Order: room ? 'start-first' : 'stop-first'},
  }
}
