import {setTimeout as sleep} from 'node:timers/promises'

import {inspectImage} from '../docker/docker.js'
import {createService, inspectService, listServices, listTasks, removeService, scaleService, serviceLogText} from '../docker/swarm.js'
import {DiscodeError} from '../errors.js'
import type {Engine} from '../lifecycle/context.js'
import {LABELS} from '../names/names.js'
import type {Operation} from '../lifecycle/operation.js'
import {PROCESS_LABELS, seenProcesses} from '../lifecycle/processes/plan.js'
import type {ProcessRuntime} from '../lifecycle/processes/port.js'
import type {ProcessStatus} from '../lifecycle/processes/status.js'
import {FAILURE_LOG_LINES} from '../lifecycle/release-container.js'
import {parseDuration} from '../recipes/duration.js'
import type {Recipe} from '../recipes/schema.js'
import type {ClusterSettings, ReleaseRecord} from '../state/store.js'
import {PROCESS_REPLICAS_LABEL, processServiceSpec, serviceStopReport, unsettledReason} from './process-spec.js'
import {
  appServices,
  clusterAuth,
  discardService,
  placementFor,
  replicasTimeout,
  scaleDown,
  serviceRelease,
  waitForReplicas,
} from './releases.js'
import {IMAGE_ID_LABEL} from './service-spec.js'
import {replicasByNode} from './tasks.js'

/**
 * A cluster's processes: one Swarm service per process and release (`APP-<key>-<process>`, see
 * process-spec.ts) holding its replicas. Brought up: created, or a kept one scaled back to its
 * replicas; healthy: all replicas run (Swarm waits for the health command), and still do after
 * `settle` without one; stopped: scaled to 0 and kept for a rollback, as the web's old service.
 */
export function clusterProcesses(cluster: ClusterSettings): ProcessRuntime {
  return {
    units: 'service',
    list: async (op) => seenProcesses((await appServices(op)).filter((s) => s.labels[PROCESS_LABELS.process])),
    async bringUp(op, recipe, target, units) {
      if (units.length === 0) return
      const ready = await serviceRelease(op, target)
      const auth = await clusterAuth(op, recipe, target.image)
      for (const unit of units) {
        const replicas = recipe.processes[unit.process].replicas
        if (!unit.create) {
          await scaleService(op.engine.docker, unit.container, replicas, auth)
          continue
        }
        const placement = await placementFor(op, {...cluster, replicas}, recipe)
        const spec = processServiceSpec(op.app, recipe, ready, {
          process: unit.process,
          name: unit.container,
          network: cluster.network,
          placement,
        })
        await createService(op.engine.docker, spec, auth)
      }
    },
    waitHealthy: (op, recipe, unit) => waitProcessService(op, recipe, unit),
    async stop(op, units) {
      await Promise.all(units.map((name) => scaleDown(op, name)))
    },
    async start(op, units) {
      for (const name of units) {
        const replicas = Number((await inspectService(op.engine.docker, name))?.labels[PROCESS_REPLICAS_LABEL] ?? 1)
        await scaleService(op.engine.docker, name, replicas)
      }
    },
    async remove(op, units) {
      for (const name of units) await removeService(op.engine.docker, name)
    },
    async dropWeb(op, release, kind) {
      if (kind === 'update') await discardService(op, release)
      else await scaleDown(op, release.container)
    },
    statuses: async (engine, app, current) => (await processServices(engine, app, current)).map(({status}) => status),
  }
}

/** Waits until the process's service runs all its replicas, healthy; fails with their last log lines. */
async function waitProcessService(op: Operation, recipe: Recipe, unit: {container: string; process: string}): Promise<void> {
  const declared = recipe.processes[unit.process]
  const since = new Date(Date.now() - 2000)
  try {
    await waitForReplicas(
      op,
      unit.container,
      declared.replicas,
      replicasTimeout(recipe) + (parseDuration(declared.health.timeout) ?? 60_000),
    )
    if (declared.health.command) return
    await sleep(parseDuration(declared.health.settle) ?? 3000)
    const unsettled = unsettledReason(await listTasks(op.engine.docker, unit.container), declared.replicas, since)
    if (unsettled) throw new DiscodeError(unsettled, {code: 'PROCESS_UNHEALTHY'})
  } catch (error) {
    const logs = await serviceLogText(op.engine.docker, unit.container, FAILURE_LOG_LINES).catch(() => '')
    const lines = logs.trim().split('\n').filter(Boolean)
    const reason = error instanceof Error ? error.message : String(error)
    throw new DiscodeError(`The process ${unit.process} (${unit.container}) did not become healthy: ${reason}`, {
      hint:
        lines.length > 0
          ? `Last log lines of its replicas:\n${lines.map((l) => `  | ${l}`).join('\n')}`
          : `See "docker service ps ${unit.container} --no-trunc"`,
      code: 'PROCESS_UNHEALTHY',
      cause: error,
    })
  }
}

/** A process of the serving release on a cluster: its status, its service and its replicas per node id. */
export interface ProcessService {
  status: ProcessStatus
  service: string
  byNode: Record<string, number>
}

/** The serving release's process services with their running replicas (status, doctor, `cluster status`). */
export async function processServices(
  engine: Engine,
  app: string,
  current: Pick<ReleaseRecord, 'key' | 'processes'>,
): Promise<ProcessService[]> {
  const services = (await listServices(engine.docker, `${LABELS.app}=${app}`)).filter(
    (s) => s.labels[LABELS.release] === current.key && s.labels[PROCESS_LABELS.process],
  )
  const names = [...new Set([...Object.keys(current.processes ?? {}), ...services.map((s) => s.labels[PROCESS_LABELS.process])])].sort()
  return Promise.all(
    names.map(async (name) => {
      const service = services.find((s) => s.labels[PROCESS_LABELS.process] === name)
      const byNode = service ? replicasByNode(await listTasks(engine.docker, service.name)) : {}
      const running = Object.values(byNode).reduce((a, b) => a + b, 0)
      const wanted = current.processes?.[name] ?? service?.replicas ?? 0
      const containers = service
        ? [
            {
              name: service.name,
              state: running > 0 ? 'running' : 'exited',
              version: service.labels[LABELS.version] ?? 'unknown',
              replica: 0,
            },
          ]
        : []
      const stop = service && (await processServiceStop(engine, service))
      return {status: {name, wanted, running, containers, ...(stop ? {stop} : {})}, service: service?.name ?? '', byNode}
    }),
  )
}

/** How a process service's replicas stop; the image is read only when the spec leaves the signal to it. */
async function processServiceStop(engine: Engine, service: {spec: Record<string, unknown>; labels: Record<string, string>}) {
  const container = (service.spec.TaskTemplate as {ContainerSpec?: {StopSignal?: string}} | undefined)?.ContainerSpec
  const imageId = service.labels[IMAGE_ID_LABEL]
  const image = !container?.StopSignal && imageId ? await inspectImage(engine.docker, imageId).catch(() => undefined) : undefined
  return serviceStopReport(service.spec, image?.stopSignal)
}
