/**
 * What `recipes test` concludes from the runs of install, update and rollback and the request loop:
 * pure, so that each verdict is unit-tested without Docker.
 */
import type {LoopStats} from './loop.js'

export type OperationName = 'install' | 'update' | 'rollback'

export interface OperationRun {
  operation: OperationName
  ok: boolean
  ms: number
  /** discode's step timings (`--json`): pull, start, hooks, switch, retire, pause, stop, ... */
  timings: Record<string, number>
  /** discode's one-line error (and its hint) when it failed. */
  error?: string
  /** Flags beyond the plain command (the check's own rollback after a refused plain one: `--keep-data`). */
  flags?: string[]
  /** A plain rollback refused because it needs a data choice: what customers see, not a failure. */
  needsDataChoice?: boolean
  /** The recipe's processes as `discode status` showed them once the operation ended. */
  processes?: ProcessCheck[]
}

/** One process after an operation: the replicas the serving release declares, and what runs. */
export interface ProcessCheck {
  name: string
  wanted: number
  /** The serving release's replicas that run. */
  running: number
  /** The version of each running container of the process (another release's would be a stand-in). */
  versions: string[]
}

export interface CheckReport {
  ok: boolean
  recipe: string
  from: string
  to: string
  strategy: 'bluegreen' | 'pause'
  requests: LoopStats
  operations: OperationRun[]
  /** Time spent in hooks (the recipe's and the plugin's), per operation that ran any. */
  hooksMs: Partial<Record<OperationName, number>>
  /** Pause strategy: how long the update held requests (stop + start + hooks + switch + resume). */
  holdMs?: number
  /** How long the serving release took to stop, per operation that stopped one. */
  stopMs: Partial<Record<OperationName, number>>
  /** What customers see on a plain `discode rollback` (no data flag): it works, or asks for a data choice. */
  plainRollback: 'ok' | 'needs-data-choice' | 'not-run'
  advice: string[]
  problems: string[]
}

/** discode stops a release with SIGTERM and kills it after this long (Docker's stop timeout). */
export const STOP_TIMEOUT_MS = 10_000
/** A stop this close to the timeout means the process ignored SIGTERM and was killed. */
const KILLED_AFTER_MS = STOP_TIMEOUT_MS * 0.9
const HELD_STEPS = ['stop', 'start', 'hooks', 'switch', 'resume']

export function stopTime(run: OperationRun, strategy: 'bluegreen' | 'pause'): number | undefined {
  return strategy === 'pause' ? run.timings.stop : run.timings.retire
}

export function judge(input: {
  recipe: string
  from: string
  to: string
  strategy: 'bluegreen' | 'pause'
  operations: OperationRun[]
  requests: LoopStats
  cleanupProblems?: string[]
}): CheckReport {
  const {operations, requests, strategy} = input
  const problems: string[] = []
  const advice: string[] = []
  const {hooksMs, stopMs} = judgeRuns(input, problems)
  const installed = operations.find((run) => run.operation === 'install')?.ok
  if (installed && requests.requests === 0) problems.push('no request reached the app through the proxy')
  if (requests.failed > 0) {
    const reasons = Object.entries(requests.failures)
      .map(([reason, count]) => `${count}× ${reason}`)
      .join(', ')
    problems.push(`${requests.failed} of ${requests.requests} requests failed (${reasons})`)
  }
  if (Object.values(stopMs).some((ms) => ms >= KILLED_AFTER_MS)) {
    advice.push(
      `The old release took about ${STOP_TIMEOUT_MS / 1000} s to stop: its process ignores SIGTERM and was killed. Handle SIGTERM (finish requests, exit), or run it under an init such as tini (PID 1 ignores signals it has no handler for); set STOPSIGNAL in the image if it stops on another signal.`,
    )
  }
  for (const problem of input.cleanupProblems ?? []) problems.push(`cleanup: ${problem}`)
  // The plain rollback, as customers run it; refused for a data choice, the check went on with --keep-data.
  const plain = operations.find((run) => run.operation === 'rollback' && !run.flags?.length)
  if (plain?.needsDataChoice) advice.push(dataChoiceAdvice(input.from, input.to, plain.error ?? 'it needs a data choice'))
  const plainRollback = plain?.needsDataChoice ? 'needs-data-choice' : plain?.ok ? 'ok' : 'not-run'
  const update = operations.find((run) => run.operation === 'update')
  const holdMs =
    strategy === 'pause' && update?.timings.pause !== undefined
      ? HELD_STEPS.reduce((sum, name) => sum + (update.timings[name] ?? 0), 0)
      : undefined
  return {
    ok: problems.length === 0,
    recipe: input.recipe,
    from: input.from,
    to: input.to,
    strategy,
    requests,
    operations,
    hooksMs,
    holdMs,
    stopMs,
    plainRollback,
    advice,
    problems,
  }
}

/** Each operation's failure and process problems; its hook and stop times. */
function judgeRuns(
  input: {from: string; to: string; strategy: 'bluegreen' | 'pause'; operations: OperationRun[]},
  problems: string[],
): Pick<CheckReport, 'hooksMs' | 'stopMs'> {
  const hooksMs: CheckReport['hooksMs'] = {}
  const stopMs: CheckReport['stopMs'] = {}
  for (const run of input.operations) {
    problems.push(...processProblems(run, run.operation === 'update' ? input.to : input.from))
    if (run.needsDataChoice) continue
    if (!run.ok) problems.push(`${run.operation} failed: ${run.error ?? 'discode exited non-zero'}`)
    if (run.timings.hooks !== undefined) hooksMs[run.operation] = run.timings.hooks
    const stopped = stopTime(run, input.strategy)
    if (stopped !== undefined) stopMs[run.operation] = stopped
  }
  return {hooksMs, stopMs}
}

/**
 * What is wrong with a process once an operation ended well: fewer replicas than declared, or one
 * running another release's code (`version` is the release that should serve).
 */
export function processProblems(run: OperationRun, version: string): string[] {
  if (!run.ok || !run.processes) return []
  const label = [run.operation, ...(run.flags ?? [])].join(' ')
  return run.processes.flatMap((p) => {
    const problems: string[] = []
    if (p.running !== p.wanted) problems.push(`after ${label}, process ${p.name} runs ${p.running} of ${p.wanted} replica(s)`)
    const others = [...new Set(p.versions.filter((v) => v !== version))]
    if (others.length > 0) problems.push(`after ${label}, process ${p.name} still runs ${others.join(', ')} beside ${version}`)
    return problems
  })
}

function dataChoiceAdvice(from: string, to: string, message: string): string {
  return `Customers' plain "discode rollback" to ${from} is refused (${message}): they must choose --restore-data or --keep-data. If ${from} runs on the data ${to} leaves, declare it: "rollbackTo": ">=${from}" in ${to}'s feed entry, or "migrations: expand-only" in the recipe.`
}
