import type {ReleaseRecord} from '../../state/store.js'
import type {StopReport} from '../stop-policy.js'
import {LABELS} from '../../names/names.js'
import {PROCESS_LABELS} from './plan.js'

/** One process of the serving release, as `status` shows it. */
export interface ProcessStatus {
  name: string
  /** Replicas the serving release declares. */
  wanted: number
  /** Of those, how many run. */
  running: number
  /** Its containers: the serving release's, and any other release's that still runs (a stand-in after a crash). */
  containers: {name: string; state: string; version: string; replica: number}[]
  /** How its replicas stop: signal, its source (the recipe's `stop`, else the image's STOPSIGNAL) and timeout in seconds. */
  stop?: StopReport
}

/**
 * The serving release's processes against the app's containers (Docker's list). A process the
 * record knows nothing of (an older record, a release adopted from the proxy) is shown as its
 * containers say, wanted = what runs of the serving release.
 */
export function processStatuses(
  current: Pick<ReleaseRecord, 'key' | 'processes'>,
  containers: {Names: string[]; State: string; Labels: Record<string, string>}[],
): ProcessStatus[] {
  const mine = containers.filter((c) => c.Labels[PROCESS_LABELS.process])
  const names = new Set([
    ...Object.keys(current.processes ?? {}),
    ...mine.filter((c) => c.Labels[LABELS.release] === current.key).map((c) => c.Labels[PROCESS_LABELS.process]),
  ])
  return [...names].sort().map((name) => {
    const shown = mine
      .filter((c) => c.Labels[PROCESS_LABELS.process] === name && (c.Labels[LABELS.release] === current.key || c.State === 'running'))
      .map((c) => ({
        name: c.Names[0]?.replace(/^\//, '') ?? '',
        state: c.State,
        version: c.Labels[LABELS.version] ?? 'unknown',
        replica: Number(c.Labels[PROCESS_LABELS.replica] ?? 0),
      }))
      .sort((a, b) => a.name.localeCompare(b.name))
    const own = mine.filter((c) => c.Labels[PROCESS_LABELS.process] === name && c.Labels[LABELS.release] === current.key)
    return {
      name,
      wanted: current.processes?.[name] ?? own.length,
      running: own.filter((c) => c.State === 'running').length,
      containers: shown,
    }
  })
}

/** `worker 2/2, clock 0/1` for people; `-` without processes. */
export function processSummary(statuses: ProcessStatus[]): string {
  return statuses.length === 0 ? '-' : statuses.map((s) => `${s.name} ${s.running}/${s.wanted}`).join(', ')
}

/** What is wrong with the processes, one line each (status warns, doctor reports). */
export function processProblems(app: string, statuses: ProcessStatus[]): string[] {
  return statuses
    .filter((s) => s.running < s.wanted)
    .map(
      (s) =>
        `${app}: process ${s.name} runs ${s.running} of ${s.wanted} replica(s): "discode update ${app}" starts the missing ones (see "discode logs ${app} --process ${s.name}")`,
    )
}
