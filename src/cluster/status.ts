import {inspectService, listNodes, listTasks, type SwarmNodeInfo} from '../docker/swarm.js'
import type {Engine} from '../lifecycle/context.js'
import type {ClusterAppStatus} from '../lifecycle/release-runtime.js'
import type {ClusterSettings, ReleaseRecord} from '../state/store.js'
import {requireManager} from './membership.js'
import {processServices} from './processes.js'
import {overlayStatus} from './overlay.js'
import {unevenSpread} from './spread.js'
import {judgeReplicas, replicasByNode} from './tasks.js'

export type {ClusterAppStatus} from '../lifecycle/release-runtime.js'

export interface ClusterStatus {
  nodes: (SwarmNodeInfo & {self: boolean})[]
  apps: ClusterAppStatus[]
}

/** Where a cluster app's serving release runs (the cluster runtime's report, see runtime.ts). */
export async function clusterAppStatus(
  engine: Engine,
  {app, current}: {app: string; current: ReleaseRecord},
  cluster: ClusterSettings,
  nodes: SwarmNodeInfo[],
): Promise<ClusterAppStatus> {
  const [tasks, network] = await Promise.all([listTasks(engine.docker, current.container), serviceNetwork(engine, current.container)])
  const judged = judgeReplicas(tasks, cluster.replicas)
  const hostnames = new Map(nodes.map((n) => [n.id, n.hostname]))
  const counts = replicasByNode(tasks)
  const byNode = Object.entries(counts).map(([id, count]) => [hostnames.get(id) ?? id.slice(0, 12), count])
  const ready = nodes.filter((n) => n.state === 'ready' && n.availability === 'active').map((n) => n.id)
  const hostOf = (byNode: Record<string, number>) =>
    Object.fromEntries(Object.entries(byNode).map(([id, count]) => [hostnames.get(id) ?? id.slice(0, 12), count]))
  const processes = (await processServices(engine, app, current)).map(({status, service, byNode}) => ({
    name: status.name,
    service,
    wanted: status.wanted,
    running: status.running,
    nodes: hostOf(byNode),
  }))
  return {
    app,
    service: current.container,
    version: current.version,
    wanted: cluster.replicas,
    running: judged.running,
    nodes: Object.fromEntries(byNode),
    uneven: unevenSpread(counts, ready, cluster.replicas),
    ...(network ? {network} : {}),
    ...(judged.verdict === 'ready' || !judged.reason ? {} : {reason: judged.reason}),
    ...(processes.length > 0 ? {processes} : {}),
  }
}

/** The overlay a release's service is on (Swarm names it by id in the spec). */
async function serviceNetwork(engine: Engine, service: string) {
  const spec = (await inspectService(engine.docker, service))?.spec.TaskTemplate as {Networks?: {Target: string}[]} | undefined
  const target = spec?.Networks?.[0]?.Target
  return target ? overlayStatus(engine, target) : undefined
}

/** The cluster's nodes with their state, and where each cluster app's replicas run. */
export async function clusterStatus(engine: Engine): Promise<ClusterStatus> {
  const membership = await requireManager(engine)
  const nodes = await listNodes(engine.docker)
  const records = await Promise.all(engine.store.apps().map((app) => engine.store.read(app)))
  const apps = await Promise.all(
    records.map(async (record) => {
      if (!record?.current) return undefined
      const runtime = await engine.runtimeFor(record)
      return (await runtime.serving(engine, {...record, current: record.current}, {containers: [], nodes})).replicas
    }),
  )
  return {
    nodes: nodes.map((n) => ({...n, self: n.id === membership.nodeId})),
    apps: apps.filter((a): a is ClusterAppStatus => a !== undefined),
  }
}
