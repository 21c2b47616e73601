/** Runs the built CLI (and bare node) as a child process and times it from spawn to exit. */
import {execFile} from 'node:child_process'
import {join} from 'node:path'

import {ROOT, type World} from '../../test/support/discode.js'

const BIN = join(ROOT, 'bin', 'run.js')

export interface Timed {
  code: number
  stdout: string
  stderr: string
  /** Spawn to exit, in ms. */
  wallMs: number
  /** performance.now() at spawn and at exit. */
  startedAt: number
  endedAt: number
}

export function timedNode(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 180_000): Promise<Timed> {
  return new Promise((resolve) => {
    const startedAt = performance.now()
    execFile(process.execPath, args, {env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024}, (error, stdout, stderr) => {
      const endedAt = performance.now()
      const raw = error ? (error as {code?: unknown}).code : 0
      resolve({code: typeof raw === 'number' ? raw : error ? 1 : 0, stdout, stderr, wallMs: endedAt - startedAt, startedAt, endedAt})
    })
  })
}

/** `discode ARGS` in the world's environment, timed. */
export function timedDiscode(world: World, args: string[], timeoutMs?: number): Promise<Timed> {
  return timedNode([BIN, ...args], world.env, timeoutMs)
}

/** `discode ARGS --json`, timed, with the one JSON document it printed (undefined if none). */
export async function timedDiscodeJson<T = any>(world: World, args: string[], timeoutMs?: number): Promise<Timed & {json?: T}> {
  const result = await timedDiscode(world, [...args, '--json'], timeoutMs)
  try {
    return {...result, json: JSON.parse(result.stdout) as T}
  } catch {
    return result
  }
}
