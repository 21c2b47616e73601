/**
 * A bundle's images on every node of a cluster, without a registry: discode loads the verified image
 * tars into each node's Docker itself, reached at the endpoints the customer gives (`--node-docker`:
 * `ssh://user@host` as `docker -H ssh://` does, a TLS `tcp://` API, or a unix socket). Each endpoint
 * is checked to be a node of this swarm, and every ready node must be covered, before anything is
 * loaded. The services then name the image by its id (the sha256 of its config, which names every
 * layer's digest): Swarm never pulls an image named by id, and every node runs the same bytes.
 * The image ids loaded this way are kept in DISCODE_HOME/cluster/node-images.json, so a later
 * rollback or hook of such a release names it the same way.
 */
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import type {SwarmNodeInfo} from '../docker/swarm.js'
import {DiscodeError} from '../errors.js'
import {writeFileAtomic} from '../fs/atomic.js'

/** dockerode's options for one node's Docker API; anything DOCKER_HOST set for the manager is overridden. */
export function nodeDockerOptions(endpoint: string): Record<string, unknown> {
  const none = {socketPath: undefined, host: undefined, port: undefined, protocol: undefined}
  if (endpoint.startsWith('unix://') && endpoint.length > 'unix://'.length) return {...none, socketPath: endpoint.slice('unix://'.length)}
  let url: URL | undefined
  try {
    url = new URL(endpoint)
  } catch {
    url = undefined
  }
  if (url?.protocol === 'ssh:' && url.hostname) {
    return {
      ...none,
      protocol: 'ssh',
      host: url.hostname,
      port: url.port || '22',
      username: decodeURIComponent(url.username) || undefined,
      sshOptions: {agent: process.env.SSH_AUTH_SOCK},
    }
  }
  if (url?.protocol === 'tcp:' && url.hostname && url.port) {
    // As docker-modem reads DOCKER_HOST: TLS on 2376 or with DOCKER_TLS_VERIFY (certificates from DOCKER_CERT_PATH).
    const tls = process.env.DOCKER_TLS_VERIFY === '1' || url.port === '2376'
    return {...none, protocol: tls ? 'https' : 'http', host: url.hostname, port: url.port}
  }
  throw new DiscodeError(`--node-docker ${endpoint} is not a Docker endpoint`, {
    code: 'BUNDLE_NODE_ENDPOINT',
    hint: 'Give it as ssh://user@host (as docker -H), tcp://host:2376 (TLS) or unix:///path/to/docker.sock',
  })
}

/** An endpoint given, and the swarm node its Docker says it is. */
export interface ReachedNode {
  endpoint: string
  nodeId?: string
}

export interface NodeLoadPlan {
  /** The workers to load into, each once, by hostname (as every list here). */
  targets: {node: SwarmNodeInfo; endpoint: string}[]
  /** Ready nodes no endpoint reaches: the images cannot get there. */
  missing: SwarmNodeInfo[]
  /** Nodes that are down: they get nothing now (their replicas move to the others). */
  down: SwarmNodeInfo[]
  /** Endpoints whose Docker is no node of this swarm. */
  strangers: string[]
}

/** Which node gets the images through which endpoint; the manager is loaded through discode's own engine. */
export function planNodeLoads(nodes: SwarmNodeInfo[], managerId: string, reached: ReachedNode[]): NodeLoadPlan {
  const byId = new Map(reached.filter((r) => r.nodeId).map((r) => [r.nodeId!, r.endpoint]))
  const known = new Set(nodes.map((n) => n.id))
  const plan: NodeLoadPlan = {targets: [], missing: [], down: [], strangers: []}
  plan.strangers = reached.filter((r) => !r.nodeId || !known.has(r.nodeId)).map((r) => r.endpoint)
  for (const node of [...nodes].sort((a, b) => a.hostname.localeCompare(b.hostname))) {
    if (node.id === managerId) continue
    const endpoint = byId.get(node.id)
    if (node.state !== 'ready') plan.down.push(node)
    else if (endpoint) plan.targets.push({node, endpoint})
    else plan.missing.push(node)
  }
  return plan
}

/** Refuses a plan that would leave a ready node without the images, or that names a Docker outside the swarm. */
export function assertPlanComplete(plan: NodeLoadPlan): void {
  if (plan.strangers.length > 0) {
    throw new DiscodeError(`--node-docker ${plan.strangers.join(', ')}: not a node of this cluster`, {
      code: 'BUNDLE_NODE_UNKNOWN',
      hint: 'Nothing was loaded. Give the Docker endpoint of each node "discode cluster status" lists',
    })
  }
  if (plan.missing.length > 0) {
    const names = plan.missing.map((n) => `${n.hostname}${n.address ? ` (${n.address})` : ''}`).join(', ')
    throw new DiscodeError(`The bundle's images must be loaded on every node, and no --node-docker reaches ${names}`, {
      code: 'BUNDLE_NODE_UNREACHED',
      hint: `Nothing was loaded. Add --node-docker ssh://USER@${plan.missing[0].address ?? plan.missing[0].hostname} for each such node (any Docker endpoint of it)`,
    })
  }
}

/**
 * What a cluster service names its image: a release loaded onto every node from a bundle by its id
 * (no registry is asked); any other by the repository digest the manager pulled (clusterPullRef).
 */
export function onNodesRef(imageId: string, loadedOnNodes: ReadonlySet<string>): string | undefined {
  return loadedOnNodes.has(imageId) ? imageId : undefined
}

function recordFile(home: string): string {
  return join(home, 'cluster', 'node-images.json')
}

/** The image ids discode loaded onto the cluster's nodes (from bundles). */
export function readNodeImages(home: string): Set<string> {
  const file = recordFile(home)
  if (!existsSync(file)) return new Set()
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as {images?: unknown}
  return new Set(Array.isArray(parsed.images) ? parsed.images.filter((id): id is string => typeof id === 'string') : [])
}

export function recordNodeImages(home: string, ids: string[]): void {
  const images = [...new Set([...readNodeImages(home), ...ids])].sort()
  writeFileAtomic(recordFile(home), `${JSON.stringify({images}, null, 2)}\n`, 0o644)
}
