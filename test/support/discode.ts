import {execFile, spawn} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {stringify} from 'yaml'

import {docker, REPOSITORY} from './images.js'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const BIN = join(ROOT, 'bin', 'run.js')

/**
 * The kamal-proxy stand-in the suite builds (see test/fixtures/kamal-proxy). DISCODE_TEST_STANDIN_IMAGE
 * gives a worktree its own tag, so that a run elsewhere rebuilding the shared one from other sources
 * cannot swap it mid-run.
 */
export const STANDIN_IMAGE = process.env.DISCODE_TEST_STANDIN_IMAGE ?? 'discode-test/kamal-proxy:standin'

export async function buildStandinImage(): Promise<string> {
  await new Promise<void>((ok, fail) =>
    execFile('bash', [join(ROOT, 'test/fixtures/kamal-proxy/build.sh'), STANDIN_IMAGE], (error, _out, stderr) =>
      error ? fail(new Error(stderr)) : ok(),
    ),
  )
  return STANDIN_IMAGE
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer()
    server.unref()
    server.on('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as {port: number}
      server.close(() => ok(port))
    })
  })
}

/** One isolated discode world: its own home, network, proxy container and ports on 127.0.0.1. */
export interface World {
  name: string
  home: string
  network: string
  proxyContainer: string
  httpPort: number
  env: NodeJS.ProcessEnv
  /** The proxy's address on the host, for requests. */
  url: string
}

/**
 * The proxy image the e2e suite runs: the stand-in, unless DISCODE_PROXY_IMAGE names another (e.g. the
 * real basecamp/kamal-proxy; see the README for the tests that need the stand-in).
 */
export function suiteProxyImage(env: NodeJS.ProcessEnv = process.env): string {
  return env.DISCODE_PROXY_IMAGE || STANDIN_IMAGE
}

export async function createWorld(name: string, options: {proxyImage?: string} = {}): Promise<World> {
  const home = mkdtempSync(join(tmpdir(), `discode-${name}-`))
  const httpPort = await freePort()
  const httpsPort = await freePort()
  const world: World = {
    name,
    home,
    network: `discode-test-${name}`,
    proxyContainer: `discode-test-proxy-${name}`,
    httpPort,
    url: `http://127.0.0.1:${httpPort}`,
    env: {
      ...process.env,
      DISCODE_HOME: home,
      DISCODE_NETWORK: `discode-test-${name}`,
      DISCODE_PROXY_CONTAINER: `discode-test-proxy-${name}`,
      DISCODE_PROXY_IMAGE: options.proxyImage ?? suiteProxyImage(),
      DISCODE_PROXY_HTTP_PORT: String(httpPort),
      DISCODE_PROXY_HTTPS_PORT: String(httpsPort),
      DISCODE_PROXY_BIND: '127.0.0.1',
      NO_COLOR: '1',
    },
  }
  await destroyWorld(world, {keepHome: true})
  return world
}

/** Removes every Docker object the world made (by name and label), and its home unless kept. */
export async function destroyWorld(world: World, options: {keepHome?: boolean} = {}): Promise<void> {
  // Each app has its own network, `<world.network>.<app>`, beside the proxy's.
  const appNetworks = (await docker(['network', 'ls', '--format', '{{.Name}}']).catch(() => ({stdout: ''}))).stdout
    .split('\n')
    .filter((name) => name.startsWith(`${world.network}.`))
  const onNetworks = await Promise.all(
    [world.network, ...appNetworks].map((n) => docker(['ps', '-aq', '--filter', `network=${n}`]).catch(() => ({stdout: ''}))),
  )
  const ids = onNetworks
    .map((r) => r.stdout)
    .join('\n')
    .split('\n')
    .filter(Boolean)
  const proxy = (await docker(['ps', '-aq', '--filter', `name=^${world.proxyContainer}$`]).catch(() => ({stdout: ''}))).stdout
    .split('\n')
    .filter(Boolean)
  if (ids.length + proxy.length > 0) await docker(['rm', '-f', ...new Set([...ids, ...proxy])]).catch(() => {})
  for (const network of [world.network, ...appNetworks]) await docker(['network', 'rm', network]).catch(() => {})
  await docker(['volume', 'rm', `${world.proxyContainer}-config`]).catch(() => {})
  // App volumes are named after apps; tests name their apps after their world.
  const volumes = (await docker(['volume', 'ls', '--filter', 'label=discode.app', '--format', '{{.Name}} {{.Label "discode.app"}}'])).stdout
  const ours = volumes
    .split('\n')
    .filter((line) => line.split(' ')[1]?.startsWith(world.name))
    .map((line) => line.split(' ')[0])
  if (ours.length > 0) await docker(['volume', 'rm', '-f', ...ours]).catch(() => {})
  if (!options.keepHome) rmSync(world.home, {recursive: true, force: true})
}

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs the built CLI as a user would, in the world's environment, with no TTY; `input` is piped to its stdin. */
export function discode(world: World, args: string[], options: {timeoutMs?: number; input?: string} = {}): Promise<RunResult> {
  return new Promise((ok) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      {env: world.env, timeout: options.timeoutMs ?? 180_000, maxBuffer: 16 * 1024 * 1024},
      (error, stdout, stderr) => {
        const code = error ? (((error as {code?: unknown}).code as number) ?? 1) : 0
        ok({code: typeof code === 'number' ? code : 1, stdout, stderr})
      },
    )
    if (options.input !== undefined) child.stdin?.end(options.input)
  })
}

/** Runs discode with --json and parses the one JSON document on stdout. */
export async function discodeJson<T = any>(world: World, args: string[]): Promise<{code: number; json: T; stderr: string}> {
  const result = await discode(world, [...args, '--json'])
  let json: T
  try {
    json = JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`discode ${args.join(' ')} --json printed no JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`)
  }
  return {code: result.code, json, stderr: result.stderr}
}

export function feedOf(releases: {version: string; tag: string; channel?: string}[]) {
  return {releases: releases.map((r) => ({version: r.version, image: `${REPOSITORY}:${r.tag}`, channel: r.channel ?? 'stable'}))}
}

/** Writes a recipe directory for the test app images; `extra` overrides or adds top-level keys. */
export function writeRecipe(dir: string, feedUrl: string, extra: Record<string, unknown> = {}): string {
  mkdirSync(dir, {recursive: true})
  const recipe = {
    name: 'testapp',
    title: 'Test app',
    image: REPOSITORY,
    port: 80,
    health: {path: '/up', interval: '200ms', timeout: '2s', deployTimeout: '6s'},
    feed: feedUrl,
    inputs: [{name: 'hostname', description: 'Host name', required: true, pattern: '^[a-z0-9.-]+$'}],
    secrets: {secret_key_base: {generate: 'hex', length: 32}},
    env: {APP_HOST: '{{inputs.hostname}}', SECRET_KEY_BASE: '{{secrets.secret_key_base}}'},
    volumes: [{name: 'data', path: '/www/data'}],
    proxy: {host: '{{inputs.hostname}}'},
    ...extra,
  }
  writeFileSync(join(dir, 'recipe.yml'), stringify(recipe))
  return dir
}

/** Names of the app's containers that Docker reports running, accessories (long-lived companions) aside. */
export async function runningAppContainers(app: string): Promise<string[]> {
  const {stdout} = await docker(['ps', '--filter', `label=discode.app=${app}`, '--format', '{{.Names}} {{.Label "discode.accessory"}}'])
  return stdout
    .split('\n')
    .filter((line) => line.trim() && !line.trim().includes(' '))
    .map((line) => line.trim())
    .sort()
}

export async function allAppContainers(app: string): Promise<string[]> {
  const {stdout} = await docker(['ps', '-a', '--filter', `label=discode.app=${app}`, '--format', '{{.Names}}'])
  return stdout.split('\n').filter(Boolean).sort()
}

/** Runs a host command (mount, umount) with its output shown; rejects on a non-zero exit. */
export function runCommand(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {stdio: 'inherit'})
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}`))))
  })
}

/** The app's journal as written so far ('' before its first operation). */
export function readJournal(world: World, app: string): string {
  try {
    return readFileSync(join(world.home, 'apps', app, 'journal.jsonl'), 'utf8')
  } catch {
    return ''
  }
}

/**
 * Starts `discode ARGS` and SIGKILLs it as soon as the app's journal shows `event` for `step` (start:
 * before the step runs, done: after); resolves when it is dead.
 */
export function killAtJournalEntry(
  world: World,
  app: string,
  args: string[],
  event: 'start' | 'done',
  step: string,
): Promise<{killed: boolean; output: string}> {
  // The journal of the previous operation is still there until this one begins (rewrites it).
  const previous = readJournal(world, app)
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {env: world.env})
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    let killed = false
    const poll = setInterval(() => {
      const text = readJournal(world, app)
      const ours = text !== previous && text.startsWith('{') && text.split('\n')[0] !== previous.split('\n')[0]
      const seen = text.split('\n').some((line) => line.includes(`"event":"${event}","name":"${step}"`))
      if (ours && seen && !killed) {
        killed = true
        child.kill('SIGKILL')
      }
    }, 10)
    child.on('exit', () => {
      clearInterval(poll)
      resolve({killed, output})
    })
  })
}
