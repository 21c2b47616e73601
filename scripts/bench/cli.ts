/** Runs the built CLI (and bare node) as a child process and times it from spawn to exit. */
import {execFile} from 'node:child_process'
import {readFileSync, rmSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

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

/** Marks written by trace-preload.mjs, in ms since the child process started. */
export interface TraceMarks {
  preload: number
  firstDockerStart: number | null
  lastDockerEnd: number | null
  dockerCalls: number
  exit: number | null
}

const PRELOAD = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), 'trace-preload.mjs')).href
let traces = 0

/** `discode ARGS --json`, timed, with the preload's marks (see trace-preload.mjs). */
export async function tracedDiscodeJson<T = any>(world: World, args: string[]): Promise<Timed & {json?: T; trace?: TraceMarks}> {
  const file = join(world.home, `bench-trace-${process.pid}-${++traces}.json`)
  const result = await timedNode(['--import', PRELOAD, BIN, ...args, '--json'], {...world.env, DISCODE_BENCH_TRACE: file})
  let json: T | undefined
  let trace: TraceMarks | undefined
  try {
    json = JSON.parse(result.stdout) as T
  } catch {}
  try {
    trace = JSON.parse(readFileSync(file, 'utf8')) as TraceMarks
    rmSync(file, {force: true})
  } catch {}
  return {...result, json, trace}
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
