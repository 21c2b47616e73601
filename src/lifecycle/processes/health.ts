import {setTimeout as sleep} from 'node:timers/promises'

import {containerLogText, execInContainer, inspectContainer} from '../../docker/docker.js'
import {DiscodeError} from '../../errors.js'
import {parseDuration} from '../../recipes/duration.js'
import type {RecipeProcess} from '../../recipes/schema.js'
import {taskArgv} from '../one-off-plan.js'
import type {Operation} from '../operation.js'

const POLL_MS = 500
const FAILURE_LOG_LINES = 20

/** One look at a starting process container. */
export interface ProcessProbe {
  /** Absent: the container is gone. */
  running?: boolean
  /** Docker restarted it since the wait began (it exited; `unless-stopped` brought it back). */
  restarted: boolean
  exitCode?: number
  /** The health command exited 0 (undefined: there is no health command). */
  checkPassed?: boolean
  elapsedMs: number
}

export type ProcessVerdict = {healthy: true} | {healthy: false; failed?: string}

/**
 * Whether a starting process is healthy, still starting, or failed: a container that is gone, exited
 * or restarted has failed at once; with a health command, it is healthy when the command passes;
 * without one, when it still runs after `settle`; past `timeout`, it has failed.
 */
export function judgeProcess(probe: ProcessProbe, health: {timeoutMs: number; settleMs: number}): ProcessVerdict {
  if (probe.running === undefined) return {healthy: false, failed: 'its container disappeared'}
  if (!probe.running || probe.restarted) return {healthy: false, failed: `it exited with code ${probe.exitCode ?? 'unknown'}`}
  if (probe.checkPassed ?? probe.elapsedMs >= health.settleMs) return {healthy: true}
  if (probe.elapsedMs >= health.timeoutMs) {
    return {
      healthy: false,
      failed: `not healthy within ${Math.round(health.timeoutMs / 1000)}s${probe.checkPassed === false ? ' (its health command fails)' : ''}`,
    }
  }
  return {healthy: false}
}

/** Waits until the process container is healthy (see judgeProcess); fails with its last log lines. */
export async function waitProcessHealthy(
  op: Operation,
  who: {process: string; container: string},
  health: RecipeProcess['health'],
): Promise<void> {
  const {docker} = op.engine
  const limits = {timeoutMs: parseDuration(health.timeout) ?? 60_000, settleMs: parseDuration(health.settle) ?? 3000}
  const started = Date.now()
  const restarts = (await inspectContainer(docker, who.container))?.RestartCount ?? 0
  for (;;) {
    const info = await inspectContainer(docker, who.container)
    const running = info ? info.State.Running && !info.State.Restarting : undefined
    const checkPassed =
      running && health.command
        ? await execInContainer(docker, who.container, taskArgv(health.command)).then(
            (r) => r.exitCode === 0,
            () => false,
          )
        : undefined
    const verdict = judgeProcess(
      {
        running,
        restarted: (info?.RestartCount ?? 0) > restarts,
        exitCode: info?.State.ExitCode,
        checkPassed,
        elapsedMs: Date.now() - started,
      },
      limits,
    )
    if (verdict.healthy) return
    if (verdict.failed) throw await unhealthyProcess(op, who, verdict.failed)
    await sleep(Math.min(POLL_MS, Math.max(10, limits.settleMs - (Date.now() - started))))
  }
}

async function unhealthyProcess(op: Operation, who: {process: string; container: string}, why: string): Promise<DiscodeError> {
  const logs = await containerLogText(op.engine.docker, who.container, {tail: FAILURE_LOG_LINES}).catch(() => '')
  const lines = logs.trim().split('\n').filter(Boolean)
  return new DiscodeError(`The process ${who.process} (${who.container}) did not become healthy: ${why}`, {
    hint:
      lines.length > 0
        ? `Last log lines of ${who.container}:\n${lines.map((l) => `  | ${l}`).join('\n')}`
        : `See "docker logs ${who.container}"`,
    code: 'PROCESS_UNHEALTHY',
  })
}
