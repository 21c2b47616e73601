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
  /** The plain rollback was refused for a data choice (its message); the check then rolled back with --keep-data. */
  dataChoice?: string
}): CheckReport {
  const {operations, requests, strategy} = input
  const problems: string[] = []
  const advice: string[] = []
  const hooksMs: CheckReport['hooksMs'] = {}
  const stopMs: CheckReport['stopMs'] = {}
  for (const run of operations) {
    if (!run.ok) problems.push(`${run.operation} failed: ${run.error ?? 'discode exited non-zero'}`)
    if (run.timings.hooks !== undefined) hooksMs[run.operation] = run.timings.hooks
    const stopped = stopTime(run, strategy)
    if (stopped !== undefined) stopMs[run.operation] = stopped
  }
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
  if (input.dataChoice) advice.push(dataChoiceAdvice(input.from, input.to, input.dataChoice))
  const rolledBack = operations.some((run) => run.operation === 'rollback' && run.ok)
  const plainRollback = input.dataChoice ? 'needs-data-choice' : rolledBack ? 'ok' : 'not-run'
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

function dataChoiceAdvice(from: string, to: string, message: string): string {
  return `Customers' plain "discode rollback" to ${from} is refused (${message}): they must choose --restore-data or --keep-data. If ${from} runs on the data ${to} leaves, declare it: "rollbackTo": ">=${from}" in ${to}'s feed entry, or "migrations: expand-only" in the recipe.`
}
