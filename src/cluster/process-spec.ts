import {DiscodeError} from '../errors.js'
import {taskArgv} from '../lifecycle/one-off-plan.js'
import {PROCESS_LABELS} from '../lifecycle/processes/plan.js'
import {type StopReport, stopReport, stopSettings, stopSourceLabel} from '../lifecycle/stop-policy.js'
import {parseDuration} from '../recipes/duration.js'
import type {Recipe} from '../recipes/schema.js'
import {type Placement, releaseServiceSpec, type ServiceRelease} from './service-spec.js'

/**
 * A recipe process on a cluster, as Docker's ServiceSpec (pure): one service per process and release,
 * `APP-<key>-<process>`, with the process's replicas. It is the web's service (image digest, env,
 * volumes, network, init, spread) with the process's command as the image's CMD (as `cmd` on one
 * host), its env on top, its stop (the recipe's `stop` wins, else the image's STOPSIGNAL and 30 s),
 * and its health command as the task's health check: Swarm counts a task as running only once it
 * passes, so "all replicas running" means healthy. The command is never a template: no secret in argv.
 */

/** On a process service: the replicas it runs when it is brought back (a rollback, a move undone). */
export const PROCESS_REPLICAS_LABEL = 'discode.replicas'

/** How often Swarm runs a process's health command, and how many failures in a row make it unhealthy. */
const CHECK = {intervalNs: 1e9, timeoutNs: 5e9, retries: 3}

export function processServiceSpec(
  app: string,
  recipe: Recipe,
  release: ServiceRelease,
  options: {process: string; name: string; network: string; placement: Placement},
): Record<string, unknown> {
  const declared = recipe.processes[options.process]
  const web = releaseServiceSpec(app, recipe, release, {...options, replicas: declared.replicas})
  const template = web.TaskTemplate as {ContainerSpec: Record<string, unknown>}
  const {StopSignal: _webSignal, Env: _webEnv, ...container} = template.ContainerSpec
  const stop = stopSettings(declared.stop, 'process')
  const check = declared.health.command
  return {
    ...web,
    Labels: {
      ...(web.Labels as Record<string, string>),
      [PROCESS_LABELS.process]: options.process,
      [PROCESS_REPLICAS_LABEL]: String(declared.replicas),
      ...stopSourceLabel(stop),
    },
    TaskTemplate: {
      ...template,
      ContainerSpec: {
        ...container,
        Args: taskArgv(declared.command),
        Env: [...Object.entries({...recipe.env, ...declared.env}).map(([k, v]) => `${k}=${v}`), 'DISCODE_NODE={{.Node.Hostname}}'],
        ...(stop.signal ? {StopSignal: stop.signal} : {}),
        StopGracePeriod: stop.timeoutSeconds * 1e9,
        ...(check
          ? {
              Healthcheck: {
                Test: ['CMD', ...taskArgv(check)],
                Interval: CHECK.intervalNs,
                Timeout: CHECK.timeoutNs,
                Retries: CHECK.retries,
                StartPeriod: (parseDuration(declared.health.timeout) ?? 60_000) * 1e6,
              },
            }
          : {}),
      },
    },
  }
}

/**
 * How a process service's replicas stop (pure), as `status --json` shows it: the spec's StopSignal
 * (the recipe's) else the image's STOPSIGNAL (Swarm leaves it to the image), else Docker's SIGTERM;
 * its StopGracePeriod in seconds; the source as the `discode.stop-source` label recorded it.
 */
export function serviceStopReport(spec: Record<string, unknown>, imageStopSignal?: string): StopReport {
  const container = (spec.TaskTemplate as {ContainerSpec?: {StopSignal?: string; StopGracePeriod?: number}} | undefined)?.ContainerSpec
  const grace = container?.StopGracePeriod
  return stopReport(
    {
      StopSignal: container?.StopSignal ?? imageStopSignal,
      StopTimeout: grace === undefined ? undefined : Math.round(grace / 1e9),
      Labels: spec.Labels as Record<string, string> | undefined,
    },
    'process',
  )
}

/**
 * A process without a health command is healthy when its replicas still run `settle` after they
 * all ran (as on one host): the reason it is not (a task failed since the wait began, or fewer run),
 * else undefined.
 */
export function unsettledReason(
  tasks: {desiredState: string; state: string; createdAt?: string; error?: string; exitCode?: number}[],
  wanted: number,
  since: Date,
): string | undefined {
  const failed = tasks.find(
    (t) => (t.state === 'failed' || t.state === 'rejected') && (!t.createdAt || Date.parse(t.createdAt) >= since.getTime()),
  )
  if (failed)
    return `a replica exited${failed.exitCode === undefined ? '' : ` with code ${failed.exitCode}`} (${failed.error ?? failed.state})`
  const running = tasks.filter((t) => t.desiredState === 'running' && t.state === 'running').length
  return running < wanted ? `${running} of ${wanted} replicas still run` : undefined
}

/**
 * Checked before a release's web service is created, so nothing changes: a process of several
 * replicas over local volumes would have each replica write its own copy on its node (as the web).
 */
export function assertProcessesFit(app: string, recipe: Pick<Recipe, 'volumes' | 'processes'>): void {
  if (recipe.volumes.length === 0) return
  const many = Object.entries(recipe.processes).filter(([, p]) => p.replicas > 1)
  if (many.length === 0) return
  const [name, process] = many[0]
  const volumes = recipe.volumes.map((v) => v.name).join(', ')
  throw new DiscodeError(
    `${app} keeps data in local volumes (${volumes}): its process ${name} would run ${process.replicas} replicas on several nodes, each writing its own copy`,
    {
      hint: 'Swarm does not move or share local volumes between nodes: the recipe must give such a process 1 replica (it then runs on this manager, beside its volumes)',
      code: 'CLUSTER_VOLUMES',
    },
  )
}
