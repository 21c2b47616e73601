/**
 * `discode recipes test`: the vendor's release check. In a world of its own (see world.ts) it installs
 * the older release, keeps a request loop on it through the world's proxy, updates to the newer one,
 * rolls back, and judges the runs (report.ts). Everything the world holds is removed at the end, also
 * when the check fails or is interrupted.
 */
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import semver from 'semver'

import {DiscodeError} from '../errors.js'
import {fetchFeed} from '../feed/feed.js'
import {renderFeed} from '../recipes/render.js'
import type {RawRecipe} from '../recipes/schema.js'
import {startRequestLoop, type LoopStats, type RequestLoop} from './loop.js'
import {judge, type CheckReport, type OperationName, type OperationRun} from './report.js'
import {type DiscodeRun, errorOf, needsDataChoice, processChecks, runDiscode} from './run-discode.js'
import {type CheckTarget, resolveTarget} from './target.js'
import {createWorld, destroyWorld, type CheckWorld} from './world.js'

export interface CheckOptions {
  dir: string
  recipe?: string
  from?: string
  to?: string
  /** Input values, as `--set` gives them to install. */
  set: Record<string, string>
  /** discode's bin/run.js. */
  bin: string
  env?: NodeJS.ProcessEnv
  progress?: (message: string) => void
  signal?: AbortSignal
}

/** The newest stable release (to) and the newest stable one below it (from). */
export function defaultVersions(releases: {version: string; channel: string}[]): {from?: string; to?: string} {
  const stable = releases
    .filter((r) => r.channel === 'stable' && semver.prerelease(r.version) === null)
    .map((r) => r.version)
    .sort(semver.rcompare)
  return {to: stable[0], from: stable[1]}
}

async function versionsFromFeed(recipe: RawRecipe, set: Record<string, string>): Promise<{from?: string; to?: string}> {
  const defaults = Object.fromEntries(recipe.inputs.flatMap((i) => (i.default === undefined ? [] : [[i.name, i.default]])))
  let url: string
  try {
    url = renderFeed(recipe, {app: {name: 'check'}, inputs: {...defaults, ...set}, secrets: {}}).url
  } catch (error) {
    throw new DiscodeError(`cannot read the feed to choose the releases: ${(error as Error).message}`, {
      hint: 'Name them with --from and --to',
      code: 'CHECK_VERSIONS',
    })
  }
  return defaultVersions((await fetchFeed(url)).feed.releases)
}

export async function releaseCheck(options: CheckOptions): Promise<CheckReport> {
  const progress = options.progress ?? (() => {})
  const target = resolveTarget(options.dir, options.recipe)
  const found = options.from && options.to ? {} : await versionsFromFeed(target.recipe, options.set)
  const from = options.from ?? found.from
  const to = options.to ?? found.to
  if (!from || !to || from === to) {
    throw new DiscodeError(`the check needs two releases; found from=${from ?? 'none'} to=${to ?? 'none'}`, {
      hint: 'Publish two stable releases in the feed, or name them with --from and --to',
      code: 'CHECK_VERSIONS',
    })
  }
  const world = await createWorld(options.env ?? process.env)
  const operations: OperationRun[] = []
  let loop: RequestLoop | undefined
  let requests: LoopStats = {requests: 0, failed: 0, failures: {}, longestMs: 0}
  let cleanupProblems: string[] = []
  try {
    const discode = worldDiscode(options, world, target, operations)
    if (target.plugin) {
      progress(`Linking ${target.plugin.name} into a throw-away discode`)
      await discode('link', ['plugins', 'link', '--no-install', target.plugin.dir])
    }
    progress(`Installing ${target.recipe.name} ${from} (network ${world.network}, proxy on 127.0.0.1:${world.httpPort})`)
    const sets = inputFlags(target.recipe, options.set, world.dir)
    const installed = await discode('install', ['install', world.app, '--recipe', target.ref, '--version', from, '--yes', ...sets])
    if (installed.code === 0) {
      const host = (installed.json?.hosts as string[] | undefined)?.[0] ?? 'localhost'
      loop = startRequestLoop({port: world.httpPort, host})
      await settle(1000)
      progress(`Updating to ${to} under a request loop`)
      const updated = await discode('update', ['update', world.app, '--to', to])
      if (updated.code === 0) {
        progress(`Rolling back to ${from}, as customers do: plain "discode rollback"`)
        await rollBackAsCustomer(discode, world.app, progress)
      }
      await settle(500)
    }
  } finally {
    if (loop) requests = await loop.stop()
    progress(`Removing the check's containers, network, volumes and files`)
    cleanupProblems = await removeWorld(world)
  }
  if (options.signal?.aborted) throw new DiscodeError('interrupted; everything the check created was removed', {code: 'INTERRUPTED'})
  return judge({recipe: target.recipe.name, from, to, strategy: target.recipe.strategy, operations, requests, cleanupProblems})
}

type WorldDiscode = (operation: OperationName | 'link', args: string[], run?: Partial<OperationRun>) => Promise<DiscodeRun>

/**
 * Runs the world's discode (this discode's own bin: the commands customers run, in their real shape)
 * and records each operation; once one ended well, `discode status --json` says how the recipe's
 * processes run (each replica was health-checked by the operation before it ended).
 */
function worldDiscode(options: CheckOptions, world: CheckWorld, target: CheckTarget, operations: OperationRun[]): WorldDiscode {
  const hasProcesses = Object.keys(target.recipe.processes).length > 0
  const exec = (args: string[]) => {
    if (options.signal?.aborted) throw new DiscodeError('interrupted', {code: 'INTERRUPTED'})
    return runDiscode(options.bin, args, world.env, options.signal)
  }
  return async (operation, args, extra = {}) => {
    if (operation === 'link') {
      // plugins link (oclif's) has no --json.
      const linked = await exec(args)
      if (linked.code !== 0)
        throw new DiscodeError(`cannot link ${options.dir} into the check's discode: ${errorOf(linked)}`, {code: 'CHECK_LINK'})
      return linked
    }
    const run = await exec([...args, '--json'])
    const timings = (run.json?.timings ?? {}) as Record<string, number>
    const recorded: OperationRun = {operation, ok: run.code === 0, ms: run.ms, timings, error: errorOf(run), ...extra}
    if (needsDataChoice(run)) recorded.needsDataChoice = true
    if (run.code === 0 && hasProcesses) {
      recorded.processes = processChecks((await exec(['status', world.app, '--offline', '--json'])).json, world.app)
    }
    operations.push(recorded)
    return run
  }
}

/**
 * A plain rollback, as a customer would run it. Refused for a data choice (the vendor declared no
 * compatibility), that refusal is what customers will see; the check then goes on with --keep-data.
 */
async function rollBackAsCustomer(discode: WorldDiscode, app: string, progress: (message: string) => void): Promise<void> {
  const plain = await discode('rollback', ['rollback', app])
  if (!needsDataChoice(plain)) return
  progress('A plain rollback asks customers for a data choice; rolling back with --keep-data')
  await discode('rollback', ['rollback', app, '--keep-data'], {flags: ['--keep-data']})
}

/** `--set` for plain inputs; secret ones go through a 0600 file, never the child's process arguments. */
function inputFlags(recipe: RawRecipe, values: Record<string, string>, dir: string): string[] {
  const secret = new Set(recipe.inputs.filter((input) => input.secret).map((input) => input.name))
  return Object.entries(values).flatMap(([key, value]) => {
    if (!secret.has(key)) return ['--set', `${key}=${value}`]
    const file = join(dir, `input-${key}`)
    writeFileSync(file, value, {mode: 0o600})
    return ['--set-file', `${key}=${file}`]
  })
}

async function removeWorld(world: CheckWorld): Promise<string[]> {
  try {
    return await destroyWorld(world)
  } catch (error) {
    return [(error as Error).message]
  }
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
