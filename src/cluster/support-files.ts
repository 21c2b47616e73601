import {listNodes, listTasks, serviceLogText} from '../docker/swarm.js'
import type {Engine} from '../lifecycle/context.js'
import type {AppRecord, ClusterSettings} from '../state/store.js'
import {clusterAppStatus} from './status.js'

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
}

/** A cluster app in a support bundle: its replicas per node, every task of the serving service (with Swarm's errors), their logs and its processes'. */
export async function clusterSupportFiles(
  engine: Engine,
  record: AppRecord,
  cluster: ClusterSettings,
  logLines: number,
): Promise<{path: string; content: string}[]> {
  const current = record.current
  if (!current) return []
  try {
    const nodes = await listNodes(engine.docker)
    const tasks = await listTasks(engine.docker, current.container)
    const hostname = new Map(nodes.map((n) => [n.id, n.hostname]))
    const replicas = await clusterAppStatus(engine, {app: record.app, current}, cluster, nodes)
    const named = tasks.map((t) => ({...t, node: t.nodeId && hostname.get(t.nodeId)}))
    // The web's service, then each process's (its replicas' logs gathered by Swarm).
    const services = [current.container, ...(replicas.processes ?? []).map((p) => p.service).filter(Boolean)]
    return [
      {path: 'cluster.json', content: json({replicas, nodes, tasks: named})},
      ...(await Promise.all(
        services.map(async (name) => ({path: `logs/${name}.service.txt`, content: await serviceLogText(engine.docker, name, logLines)})),
      )),
    ]
  } catch (error) {
    return [{path: 'cluster-error.txt', content: `${(error as Error).message}\n`}]
  }
}
