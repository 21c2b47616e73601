import {setTimeout as sleep} from 'node:timers/promises'

import {inspectService, listNodes, listTasks, updateService} from '../docker/swarm.js'
import {DiscodeError} from '../errors.js'
import type {Engine} from '../lifecycle/context.js'
import {type Operation, runOperation, step} from '../lifecycle/operation.js'
import {installedRecord} from '../state/installed.js'
import {processServices} from './processes.js'
import {waitForReplicas} from './releases.js'
import {respreadSpec} from './service-spec.js'
import {unevenSpread} from './spread.js'
import {replicasByNode} from './tasks.js'

export interface RebalanceResult {
  app: string
  service: string
  /** False when the replicas were spread evenly already (nothing was touched). */
  moved: boolean
  /** Node hostname → replicas running there, afterwards. */
  nodes: Record<string, number>
  /** The serving release's process services, each spread by the same rule. */
  processes: (Omit<RebalanceResult, 'app' | 'processes'> & {name: string})[]
}

const ROLLOUT_TIMEOUT_MS = 5 * 60_000

/**
 * Spreads a cluster app's replicas over the ready nodes again (a release deployed while a node was
 * down, or nodes added since), one task at a time (see respreadSpec): the web's service, then each
 * process service of the serving release. Serving never stops: the proxy targets the service name,
 * whose DNS answers only the tasks that run.
 */
export async function rebalance(engine: Engine, app: string): Promise<RebalanceResult> {
  const record = await installedRecord(engine.store, app)
  const {replicas} = await (await engine.runtimeFor(record)).serving(engine, record, {containers: []})
  if (!replicas) {
    throw new DiscodeError(`${app} does not run in a cluster`, {
      hint: `Only apps installed with --cluster have replicas to spread`,
      code: 'NOT_CLUSTER_APP',
    })
  }
  const current = record.current
  return runOperation(engine, app, 'rebalance', {}, async (op) => {
    const web = await respread(op, current.container, replicas.wanted)
    const processes = []
    for (const p of await processServices(engine, app, current)) {
      if (p.service && p.status.wanted > 0) processes.push({name: p.status.name, ...(await respread(op, p.service, p.status.wanted))})
    }
    return {app, ...web, processes}
  })
}

/** One service: left alone when its spread is even (unevenSpread), else replaced one task at a time. */
async function respread(op: Operation, service: string, wanted: number): Promise<Omit<RebalanceResult, 'app' | 'processes'>> {
  const before = await spread(op, service)
  if (!unevenSpread(before.byId, before.ready, wanted)) return {service, moved: false, nodes: before.byHostname}
  await step(op, 'rebalance', `Spreading ${service}'s replicas over ${before.ready.length} nodes`, async () => {
    await updateService(op.engine.docker, service, (spec) => respreadSpec(spec, wanted, before.ready.length))
    await waitForRollout(op, service)
    await waitForReplicas(op, service, wanted, ROLLOUT_TIMEOUT_MS)
  })
  return {service, moved: true, nodes: (await spread(op, service)).byHostname}
}

async function spread(op: Operation, service: string) {
  const [nodes, tasks] = await Promise.all([listNodes(op.engine.docker), listTasks(op.engine.docker, service)])
  const byId = replicasByNode(tasks)
  const hostname = new Map(nodes.map((n) => [n.id, n.hostname]))
  return {
    byId,
    ready: nodes.filter((n) => n.state === 'ready' && n.availability === 'active').map((n) => n.id),
    byHostname: Object.fromEntries(Object.entries(byId).map(([id, count]) => [hostname.get(id) ?? id, count])),
  }
}

/** Waits until Swarm has replaced every task; a paused rollout (a new task failed) is an error. */
async function waitForRollout(op: Operation, service: string): Promise<void> {
  const deadline = Date.now() + ROLLOUT_TIMEOUT_MS
  for (;;) {
    const state = (await inspectService(op.engine.docker, service))?.updateState
    if (state === 'completed') return
    if (state === 'paused' || state?.startsWith('rollback')) {
      throw new DiscodeError(`Swarm stopped spreading ${service} (${state})`, {
        hint: `See "docker service ps ${service} --no-trunc"; the replicas that run keep serving`,
        code: 'REBALANCE_FAILED',
      })
    }
    if (Date.now() > deadline) throw new DiscodeError(`${service} is still being spread after 5 minutes`, {code: 'REBALANCE_TIMEOUT'})
    await sleep(500)
  }
}
