import type {AppRecord, ReleaseRecord} from '../state/store.js'
import {promote} from './history.js'
import {LABELS} from '../names/names.js'
import {RUN_LABEL} from './one-off-plan.js'
import {PROCESS_LABELS, planProcessRepair, type ProcessUnits, seenProcesses} from './processes/plan.js'

/** One of the app's containers as Docker lists it. */
export interface SeenContainer {
  name: string
  /** Docker's state: running, exited, created, ... */
  state: string
  labels: Record<string, string>
  imageId: string
  /** A service's replicas as its spec asks (a cluster's); undefined for a container. */
  replicas?: number
}

export interface ReconcileAction {
  container: string
  action: 'start' | 'stop' | 'remove'
  /** Set when the user should hear of it (a leftover of an interrupted run). */
  warn?: string
}

export interface ReconcilePlan {
  /** The record, following the proxy when it serves a release the record does not call current. */
  record: AppRecord
  /** The release adopted that way, if any. */
  adopted?: ReleaseRecord
  actions: ReconcileAction[]
  /** The current release's process replicas (a cluster: services) to create again (planProcessRepair). */
  missing: MissingReplica[]
}

/** A process replica of the current release that reconcile creates again. */
export interface MissingReplica {
  container: string
  process: string
  replica: number
  warn: string
}

/**
 * The decision table of reconcile: what a run that died (SIGKILL, power loss) between two steps left,
 * and its one fix each. `live` is the container the proxy routes the app to.
 * - the proxy routes to a release container the record does not call current: the switch happened
 *   but was not recorded, so the record follows the proxy (the proxy decides what users see);
 * - the current release is stopped while the route targets it (a pause that died mid-way): start it;
 * - one-off hook containers: removed; accessory containers: never touched here;
 * - `discode run` containers: removed once `staleRun` says their discode process is gone;
 * - a release kept for rollback that still runs (and does not serve): stopped;
 * - any other release container (an interrupted update's new one): removed;
 * - process containers: see planProcessRepair.
 */
export function planReconcile(
  record: AppRecord,
  containers: SeenContainer[],
  live: string | undefined,
  now = new Date(),
  staleRun: (labels: Record<string, string>) => boolean = () => false,
  units: ProcessUnits = 'replica',
): ReconcilePlan {
  let next = record
  let adopted: ReleaseRecord | undefined
  const liveContainer = containers.find((c) => c.name === live && c.labels[LABELS.release])
  if (liveContainer && live !== record.current?.container) {
    adopted = releaseFromLabels(liveContainer)
    next = promote(record, adopted, now)
  }

  const kept = new Set(next.previous.map((r) => r.container))
  const actions: ReconcileAction[] = []
  for (const container of containers) {
    const {name} = container
    if (container.labels[ACCESSORY_LABEL] || container.labels[PROCESS_LABELS.process]) continue
    if (name === next.current?.container) {
      if (container.state !== 'running' && name === live) actions.push({container: name, action: 'start'})
    } else if (container.labels[LABELS.hook]) {
      actions.push({container: name, action: 'remove'})
    } else if (container.labels[RUN_LABEL] !== undefined) {
      if (staleRun(container.labels))
        actions.push({container: name, action: 'remove', warn: `Removing ${name}, a discode run whose discode process is gone`})
    } else if (kept.has(name)) {
      if (container.state === 'running' && name !== live) actions.push({container: name, action: 'stop'})
    } else if (name !== live) {
      actions.push({container: name, action: 'remove', warn: `Removing ${name}, left over by an interrupted run`})
    }
  }
  const missing: MissingReplica[] = []
  for (const repair of planProcessRepair(record.app, next.current, next.previous, seenProcesses(containers), units)) {
    if (repair.action === 'create')
      missing.push({container: repair.container, process: repair.process, replica: repair.replica, warn: repair.warn})
    else actions.push(repair)
  }
  return {record: next, adopted, actions, missing}
}

/** Kept here (not imported from the accessories) so the table has no Docker-facing imports. */
const ACCESSORY_LABEL = 'discode.accessory'

function releaseFromLabels(container: SeenContainer): ReleaseRecord {
  return {
    version: container.labels[LABELS.version] ?? 'unknown',
    image: container.labels[LABELS.image] ?? container.imageId,
    imageId: container.imageId,
    key: container.labels[LABELS.release],
    container: container.name,
  }
}
