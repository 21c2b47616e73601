/** Runs discode's own bin as a child process in the check's world: the engine in its real shape. */
import {spawn} from 'node:child_process'

import type {ProcessStatus} from '../lifecycle/processes/status.js'
import type {ProcessCheck} from './report.js'

export interface DiscodeRun {
  code: number
  json?: Record<string, unknown>
  stderr: string
  ms: number
}

const OPERATION_TIMEOUT_MS = 15 * 60_000

export function runDiscode(bin: string, args: string[], env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<DiscodeRun> {
  const started = performance.now()
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {env, signal, timeout: OPERATION_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk))
    child.on('error', (error) => (stderr += `\n${error.message}`))
    child.on('close', (code, killedBy) => {
      let json: Record<string, unknown> | undefined
      try {
        json = JSON.parse(stdout) as Record<string, unknown>
      } catch {
        json = undefined
      }
      resolve({code: code ?? (killedBy ? 128 : 1), json, stderr, ms: Math.round(performance.now() - started)})
    })
  })
}

/** discode's one-line error: from `--json`'s `{error: {message}}`, else its `Error:` line. */
export function errorOf(run: DiscodeRun): string | undefined {
  if (run.code === 0) return undefined
  const error = run.json?.error as {message?: string} | undefined
  if (error?.message) return error.message
  const line = run.stderr.split('\n').find((l) => l.startsWith('Error: '))
  return line?.slice('Error: '.length) ?? (run.stderr.trim().split('\n').at(-1) || `exit code ${run.code}`)
}

/** Whether a rollback was refused because it crosses a migration the vendor declared nothing about. */
export function needsDataChoice(run: DiscodeRun): boolean {
  return run.code !== 0 && (run.json?.error as {code?: string} | undefined)?.code === 'ROLLBACK_NEEDS_DATA_CHOICE'
}

/** The app's processes in `discode status APP --json` (`{apps: [{processes}]}`), as the check judges them. */
export function processChecks(status: Record<string, unknown> | undefined, app: string): ProcessCheck[] {
  const apps = (status?.apps ?? []) as {app: string; processes?: ProcessStatus[]}[]
  return (apps.find((a) => a.app === app)?.processes ?? []).map((p) => ({
    name: p.name,
    wanted: p.wanted,
    running: p.running,
    versions: p.containers.filter((c) => c.state === 'running').map((c) => c.version),
  }))
}
