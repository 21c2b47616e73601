/**
 * Where discode's start-up goes: loading the command's module graph and its heaviest dependencies
 * (each in a fresh node process), and the cost of one `docker exec <proxy> kamal-proxy list` (which
 * `update` and `rollback` each make, and `status` when the proxy's routes changed) against a bare `docker exec`.
 */
import {execFile} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {ROOT} from '../../test/support/discode.js'
import {timedNode} from './cli.js'
import {median} from './stats.js'

/** What bin/run.js loads of oclif (commands import its parts, never its whole index). */
export const OCLIF_ENTRY = '@oclif/core/execute'

/** Dependencies worth timing on their own: the packages the commands' module graphs import. */
export const DEPENDENCIES = [OCLIF_ENTRY, 'docker-modem', 'conf', 'zod', 'handlebars', 'yaml', 'semver', 'proper-lockfile'] as const
export const COMMAND_MODULES = ['status', 'update', 'rollback'] as const

export interface Anatomy {
  runs: number
  /** Median ms of a node process that only imports it, minus the median of `node -e 0`. */
  commandImports: Record<string, number>
  dependencyImports: Record<string, number>
  /** Median ms of `docker exec <proxy> kamal-proxy list` and of `docker exec <app> true`. */
  proxyList: number
  bareExec: number
}

function timedDocker(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    execFile('docker', args, {timeout: 60_000}, (error) => (error ? reject(error) : resolve(performance.now() - started)))
  })
}

function importScript(specifier: string): string[] {
  return ['--input-type=module', '-e', `await import(${JSON.stringify(specifier)})`]
}

export async function measureAnatomy(options: {
  runs: number
  env: NodeJS.ProcessEnv
  proxyContainer: string
  appContainer: string
}): Promise<Anatomy> {
  const env = options.env
  const probes: [string, () => Promise<number>][] = [
    ['node', async () => (await timedNode(['-e', '0'], env)).wallMs],
    ...COMMAND_MODULES.map((name): [string, () => Promise<number>] => [
      `command:${name}`,
      async () => (await timedNode(importScript(pathToFileURL(join(ROOT, 'dist', 'commands', `${name}.js`)).href), env)).wallMs,
    ]),
    ...DEPENDENCIES.map((name): [string, () => Promise<number>] => [
      `dep:${name}`,
      async () => (await timedNode(importScript(name), {...env}, 60_000)).wallMs,
    ]),
    ['proxyList', () => timedDocker(['exec', options.proxyContainer, 'kamal-proxy', 'list'])],
    ['bareExec', () => timedDocker(['exec', options.appContainer, 'true'])],
  ]
  const times = new Map<string, number[]>(probes.map(([name]) => [name, []]))
  for (let i = 0; i < options.runs; i++) {
    for (const [name, probe] of probes) times.get(name)!.push(await probe())
  }
  const node = median(times.get('node')!)
  const net = (name: string) => median(times.get(name)!) - node
  return {
    runs: options.runs,
    commandImports: Object.fromEntries(COMMAND_MODULES.map((name) => [name, net(`command:${name}`)])),
    dependencyImports: Object.fromEntries(DEPENDENCIES.map((name) => [name, net(`dep:${name}`)])),
    proxyList: median(times.get('proxyList')!),
    bareExec: median(times.get('bareExec')!),
  }
}

/** The version of an installed package, for the report. */
export function installedVersion(name: string): string {
  try {
    return JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version
  } catch {
    return '?'
  }
}
