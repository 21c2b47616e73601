import type {ReleaseRecord} from '../../state/store.js'
import {LABELS} from '../../names/names.js'

/**
 * The decisions about a recipe's processes (workers, schedulers run from the release's image beside
 * the web): their names and labels, and which containers start, stop or go, in what order, when a
 * release goes live (update, rollback) and when reconcile repairs a crash. Pure; carried out by
 * move.ts. Like every container discode makes, ownership is the `discode.app` label, never the name.
 */

export const PROCESS_LABELS = {process: 'discode.process', replica: 'discode.replica'} as const

/** What a release declares of one process, as the move needs it. */
export interface DeclaredProcess {
  replicas: number
  /** At most one at any time: the old one stops before the new one starts. */
  singleton: boolean
}

/** One of the app's process containers as Docker lists it. */
export interface SeenProcess {
  container: string
  state: string
  process: string
  /** The release key of the container. */
  release: string
  replica: number
  /** A service's replicas as its spec asks (a cluster's unit); undefined for a container. */
  scale?: number
}

/** `<app>-<key>-<process>-<replica>`: beside the web's `<app>-<key>`. */
export function processContainerName(app: string, key: string, process: string, replica: number): string {
  return `${app}-${key}-${process}-${replica}`
}

/** `<app>-<key>-<process>`: a cluster's Swarm service of one process, its replicas inside. */
export function processServiceName(app: string, key: string, process: string): string {
  return `${app}-${key}-${process}`
}

/**
 * What a runtime starts and stops as one unit: a container per replica (one host), or a service per
 * process that holds its replicas (a cluster's; it counts as replica 1 in the plans below).
 */
export type ProcessUnits = 'replica' | 'service'

export function processLabels(process: string, replica: number): Record<string, string> {
  return {[PROCESS_LABELS.process]: process, [PROCESS_LABELS.replica]: String(replica)}
}

/**
 * The recipe's processes as a move takes them. With `strategy: pause` two versions never run at
 * once, so every process is moved as a singleton.
 */
export function declaredProcesses(recipe: {
  strategy: string
  processes: Record<string, {replicas: number; singleton: boolean}>
}): Record<string, DeclaredProcess> {
  return Object.fromEntries(
    Object.entries(recipe.processes).map(([name, p]) => [
      name,
      {replicas: p.replicas, singleton: p.singleton || recipe.strategy === 'pause'},
    ]),
  )
}

/** What the record keeps of them: name → replicas. */
export function processCounts(declared: Record<string, DeclaredProcess>): Record<string, number> {
  return Object.fromEntries(Object.entries(declared).map(([name, p]) => [name, p.replicas]))
}

/** The process containers among an app's containers (by their labels). */
export function seenProcesses(
  containers: {name: string; state: string; labels: Record<string, string>; replicas?: number}[],
): SeenProcess[] {
  return containers
    .filter((c) => c.labels[PROCESS_LABELS.process] && c.labels[LABELS.release])
    .map((c) => ({
      container: c.name,
      state: c.state,
      process: c.labels[PROCESS_LABELS.process],
      release: c.labels[LABELS.release],
      // A service has no replica label: the one unit of its process.
      replica: Number(c.labels[PROCESS_LABELS.replica] ?? 1),
      ...(c.replicas === undefined ? {} : {scale: c.replicas}),
    }))
}

/** A replica of the target release to bring up: created when absent, else started. */
export interface BringUp {
  container: string
  process: string
  replica: number
  create: boolean
}

/** How the processes move to a release (update or rollback), in this order. */
export interface ProcessMove {
  /** Running singletons of other releases: stopped before the target's are started. */
  stopFirst: string[]
  /** Containers of the target that it no longer declares (extra replicas, leftovers): removed. */
  remove: string[]
  /** The target's replicas, process by process. */
  bringUp: BringUp[]
  /** Every other release's running process container: stopped once the target's are healthy. */
  stopAfter: string[]
}

export function planProcessMove(
  app: string,
  target: {key: string},
  declared: Record<string, DeclaredProcess>,
  seen: SeenProcess[],
  units: ProcessUnits = 'replica',
): ProcessMove {
  const count = (replicas: number) => (units === 'service' ? Math.min(1, replicas) : replicas)
  const name = (process: string, replica: number) =>
    units === 'service' ? processServiceName(app, target.key, process) : processContainerName(app, target.key, process, replica)
  const others = seen.filter((s) => s.release !== target.key && s.state === 'running')
  const own = seen.filter((s) => s.release === target.key)
  const stopFirst = others.filter((s) => declared[s.process]?.singleton).map((s) => s.container)
  const bringUp: BringUp[] = []
  for (const [process, {replicas}] of Object.entries(declared).sort(([a], [b]) => a.localeCompare(b))) {
    for (let replica = 1; replica <= count(replicas); replica++) {
      const container = name(process, replica)
      const found = own.find((s) => s.container === container)
      if (found?.state !== 'running') bringUp.push({container, process, replica, create: !found})
    }
  }
  const wanted = (s: SeenProcess) => s.replica >= 1 && s.replica <= count(declared[s.process]?.replicas ?? 0)
  return {
    stopFirst,
    remove: own.filter((s) => !wanted(s)).map((s) => s.container),
    bringUp,
    stopAfter: others.filter((s) => !stopFirst.includes(s.container)).map((s) => s.container),
  }
}

export type ProcessRepair =
  | {container: string; action: 'start' | 'stop' | 'remove'; warn?: string}
  /** A declared replica of the current release that Docker does not list (removed behind discode's back). */
  | {container: string; action: 'create'; process: string; replica: number; warn: string}

/**
 * What reconcile does with process containers, once the record follows the proxy:
 * - the current release's declared replicas run: started if stopped, created if missing (the record
 *   says it ran them: one was removed behind discode's back); its undeclared ones go;
 * - a kept release's are stopped; but when the current release was adopted from the proxy (a run
 *   killed after the switch, before its processes started and were recorded) and has none of a
 *   process, the newest kept release's keep running (started again if stopped), so the work goes on
 *   until the next update brings the new ones: a singleton stays one;
 * - any other release's (an interrupted update's new ones) are removed.
 * `current.processes` absent (that adopted release): every process counts as declared. With `service`
 * units (a cluster) a process is one unit: a missing one is its service, and one scaled below its
 * recorded replicas by hand is started (scaled back to them).
 */
export function planProcessRepair(
  app: string,
  current: ReleaseRecord | undefined,
  kept: ReleaseRecord[],
  seen: SeenProcess[],
  units: ProcessUnits = 'replica',
): ProcessRepair[] {
  const declared = (process: string, replica = 1) => !current?.processes || replica <= (current.processes[process] ?? 0)
  const currentHas = (process: string) =>
    seen.some((s) => s.release === current?.key && s.process === process && declared(process, s.replica))
  const keptKeys = new Set(kept.map((r) => r.key))
  const repairs: ProcessRepair[] = []
  for (const s of seen) {
    const running = s.state === 'running'
    if (s.release === current?.key) {
      if (!declared(s.process, s.replica)) repairs.push({container: s.container, action: 'remove'})
      else if (!running) repairs.push({container: s.container, action: 'start'})
      else if (s.scale !== undefined && s.scale < (current?.processes?.[s.process] ?? 0)) {
        const warn = `Scaling ${s.container} back to ${current?.processes?.[s.process]} replicas: it ran ${s.scale}`
        repairs.push({container: s.container, action: 'start', warn})
      }
    } else if (keptKeys.has(s.release)) {
      const standIn = !current?.processes && !currentHas(s.process) && s.release === kept[0]?.key
      if (standIn && !running)
        repairs.push({
          container: s.container,
          action: 'start',
          warn: `Starting ${s.container} again until ${current?.version} has its ${s.process}`,
        })
      else if (!standIn && running) repairs.push({container: s.container, action: 'stop'})
    } else {
      repairs.push({container: s.container, action: 'remove', warn: `Removing ${s.container}, left over by an interrupted run`})
    }
  }
  return [...repairs, ...missingReplicas(app, current, seen, units)]
}

/** The current release's recorded replicas (or services) that Docker does not list at all, to be created again. */
function missingReplicas(app: string, current: ReleaseRecord | undefined, seen: SeenProcess[], units: ProcessUnits): ProcessRepair[] {
  if (!current?.processes) return []
  const missing: ProcessRepair[] = []
  for (const [process, replicas] of Object.entries(current.processes).sort(([a], [b]) => a.localeCompare(b))) {
    for (let replica = 1; replica <= (units === 'service' ? Math.min(1, replicas) : replicas); replica++) {
      if (seen.some((s) => s.release === current.key && s.process === process && s.replica === replica)) continue
      const container =
        units === 'service' ? processServiceName(app, current.key, process) : processContainerName(app, current.key, process, replica)
      missing.push({container, action: 'create', process, replica, warn: `Creating ${container} again: it was gone`})
    }
  }
  return missing
}
