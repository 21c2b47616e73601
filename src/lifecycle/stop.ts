import {inspectContainer, stopContainer} from '../docker/docker.js'
import type {ReleaseRecord} from '../state/store.js'
import type {Operation} from './operation.js'

/** How a container's stop went: it exited on its signal, or Docker had to kill it at the timeout. */
export interface StopVerdict {
  killed: boolean
  ms: number
}

/**
 * Whether a stop ran into its timeout: Docker's SIGKILL leaves exit code 137, after (about) the
 * whole timeout. An app that exits on its own within the budget was stopped cleanly.
 */
export function judgeStop(exitCode: number | undefined, ms: number, timeoutSeconds: number | undefined): StopVerdict {
  const budgetMs = (timeoutSeconds ?? 10) * 1000
  return {killed: exitCode === 137 && ms >= budgetMs * 0.9, ms}
}

/** The advice when an app ignored its stop signal (a server running as PID 1 without a handler). */
export function stopAdvice(container: string, verdict: StopVerdict, signal: string): string {
  return `${container} ignored ${signal} for ${(verdict.ms / 1000).toFixed(0)} s and was killed: set "init: true" in the recipe (a tiny PID 1 that forwards signals) or a "stop.signal" the app handles`
}

/** Stops a release's container with its own stop settings; warns when it had to be killed. */
export async function stopRelease(op: Operation, release: Pick<ReleaseRecord, 'container'>): Promise<StopVerdict> {
  const started = performance.now()
  await stopContainer(op.engine.docker, release.container)
  const ms = Math.round(performance.now() - started)
  const info = await inspectContainer(op.engine.docker, release.container)
  const config = info?.Config as {StopTimeout?: number; StopSignal?: string} | undefined
  const verdict = judgeStop(info?.State.ExitCode, ms, config?.StopTimeout)
  if (verdict.killed) op.reporter.warn(stopAdvice(release.container, verdict, config?.StopSignal ?? 'SIGTERM'))
  return verdict
}
