import {listNodes, listTasks, type SwarmNodeInfo} from '../docker/swarm.js'
import type {Engine} from '../lifecycle/context.js'
import type {AppRecord} from '../state/store.js'
import {requireManager} from './membership.js'
import {unevenSpread} from './spread.js'
import {judgeReplicas, replicasByNode} from './tasks.js'

/** Where a cluster app's serving release runs: replicas wanted and running, per node hostname. */
export interface ClusterAppStatus {
  app: string
  service: string
  version: string
  wanted: number
  running: number
  /** Node hostname → replicas running there. */
  nodes: Record<string, number>
  /** Why replicas are missing, in Swarm's words (a lost node, no room, a failing start). */
  reason?: string
  /** True when a ready node runs less than its share ("discode cluster rebalance APP" spreads them). */
  uneven: boolean
}

export interface ClusterStatus {
  nodes: (SwarmNodeInfo & {self: boolean})[]
  apps: ClusterAppStatus[]
}

export async function clusterAppStatus(engine: Engine, record: AppRecord, nodes: SwarmNodeInfo[]): Promise<ClusterAppStatus | undefined> {
  const current = record.current
  if (!record.cluster || !current) return undefined
  const tasks = await listTasks(engine.docker, current.container)
  const judged = judgeReplicas(tasks, record.cluster.replicas)
  const hostnames = new Map(nodes.map((n) => [n.id, n.hostname]))
  const counts = replicasByNode(tasks)
  const byNode = Object.entries(counts).map(([id, count]) => [hostnames.get(id) ?? id.slice(0, 12), count])
  const ready = nodes.filter((n) => n.state === 'ready' && n.availability === 'active').map((n) => n.id)
  return {
    app: record.app,
    service: current.container,
    version: current.version,
    wanted: record.cluster.replicas,
    running: judged.running,
    nodes: Object.fromEntries(byNode),
    uneven: unevenSpread(counts, ready, record.cluster.replicas),
    ...(judged.verdict === 'ready' || !judged.reason ? {} : {reason: judged.reason}),
  }
}

/** Each cluster app's replica report (one node listing for all), for `discode status`. */
export async function clusterAppStatuses(engine: Engine, records: AppRecord[]): Promise<Map<string, ClusterAppStatus>> {
  const clustered = records.filter((r) => r.cluster)
  if (clustered.length === 0) return new Map()
  const nodes = await listNodes(engine.docker)
  const reports = await Promise.all(clustered.map((r) => clusterAppStatus(engine, r, nodes)))
  return new Map(reports.filter((r): r is ClusterAppStatus => r !== undefined).map((r) => [r.app, r]))
}

/** The cluster's nodes with their state, and where each cluster app's replicas run. */
export async function clusterStatus(engine: Engine): Promise<ClusterStatus> {
  const membership = await requireManager(engine)
  const nodes = await listNodes(engine.docker)
  const records = await Promise.all(engine.store.apps().map((app) => engine.store.read(app)))
  const apps = await Promise.all(records.map((r) => (r ? clusterAppStatus(engine, r, nodes) : undefined)))
  return {
    nodes: nodes.map((n) => ({...n, self: n.id === membership.nodeId})),
    apps: apps.filter((a): a is ClusterAppStatus => a !== undefined),
  }
}
