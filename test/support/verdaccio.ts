/**
 * A private npm registry for tests: verdaccio (a devDependency, pinned to 6.8.0 because 6.10 wants
 * Node 22) on 127.0.0.1 and a random free port, with everything in a temp dir. It hosts nothing but
 * what the tests publish: there are no uplinks, so nothing is ever fetched from or proxied to the
 * public registry, and a package it does not hold is a plain 404.
 *
 *   const registry = await startVerdaccio()
 *   await registry.publish('plugins/discode-example')     // npm publish, which runs its prepack build
 *   // npm_config_userconfig=registry.npmrc: the @discode-example scope now comes from this registry
 *   await registry.stop()
 *
 * Anyone may publish and read `@discode-example/*` (anonymous publish), nobody may publish anything
 * else (there are no users and sign-up is off). npm still refuses to publish without a credential for
 * the registry, so the npmrc carries a fake `_authToken`: verdaccio treats a token it cannot verify as
 * an anonymous request, which the package rule lets publish.
 */
import {type ChildProcess, execFile, spawn} from 'node:child_process'
import {cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'

import {freePort} from './discode.js'

/** The scope the example vendor publishes under; the registry serves this scope only. */
export const EXAMPLE_SCOPE = '@discode-example'

export interface Verdaccio {
  /** `http://127.0.0.1:PORT/` (npm registry URLs end with a slash). */
  url: string
  /**
   * Path to an .npmrc that points `@discode-example` at this registry, with a fake auth token for it,
   * and keeps npm's cache in the registry's temp dir. Use it as `--userconfig` or
   * `npm_config_userconfig`.
   */
  npmrc: string
  /** The temp dir holding the config, storage, npm cache and npmrc; removed by stop(). */
  dir: string
  /** `npm publish` of the package directory (its prepack script runs, e.g. a tsc build). */
  publish(pkgDir: string): Promise<void>
  /** Runs npm with this registry's npmrc and a clean environment (see npmEnv). */
  npm(args: string[], options?: {cwd?: string}): Promise<NpmResult>
  /** Stops verdaccio and removes its temp dir. Safe to call twice. */
  stop(): Promise<void>
}

export interface NpmResult {
  stdout: string
  stderr: string
}

const require = createRequire(import.meta.url)
const VERDACCIO_BIN = join(dirname(require.resolve('verdaccio/package.json')), 'bin', 'verdaccio')

/** How long verdaccio may take to answer its ping after starting. */
const START_TIMEOUT_MS = 30_000

/**
 * The environment for an npm (or discode) child process: this process's environment without the
 * `npm_*` variables an outer `npm test` / `npm run` sets (npm_config_local_prefix, npm_config_registry,
 * npm_package_*, ...), which would otherwise steer the inner npm, plus `extra`.
 */
export function npmEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value
  return {...env, NO_UPDATE_NOTIFIER: '1', ...extra}
}

/** Runs npm (the one on PATH) with an argument vector; rejects with its stderr in the message. */
export function runNpm(args: string[], options: {cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number} = {}): Promise<NpmResult> {
  return new Promise((ok, fail) => {
    execFile(
      'npm',
      args,
      {cwd: options.cwd, env: options.env ?? npmEnv(), timeout: options.timeoutMs ?? 180_000, maxBuffer: 16 * 1024 * 1024},
      (error, stdout, stderr) => {
        if (error)
          fail(
            new Error(`npm ${args.join(' ')} failed (${(error as {code?: unknown}).code ?? error.message}):\n${stderr}${stdout}`, {
              cause: error,
            }),
          )
        else ok({stdout, stderr})
      },
    )
  })
}

function configYaml(dir: string, port: number, scopes: string[]): string {
  // JSON strings are valid YAML scalars: paths with any character stay intact.
  const q = (value: string) => JSON.stringify(value)
  return `# Written by test/support/verdaccio.ts
storage: ${q(join(dir, 'storage'))}
plugins: ${q(join(dir, 'plugins'))}
listen: ${q(`127.0.0.1:${port}`)}
auth:
  htpasswd:
    file: ${q(join(dir, 'htpasswd'))}
    max_users: -1          # no sign-up: nobody can become "authenticated"
# No uplinks: nothing is fetched from or proxied to the public registry.
packages:
${scopes
  .map(
    (scope) => `  '${scope}/*':
    access: $all
    publish: $all          # anonymous publish (a token verdaccio cannot verify counts as anonymous)
    unpublish: $all
`,
  )
  .join('')}  '**':
    access: $all
    publish: $authenticated
    unpublish: $authenticated
server:
  keepAliveTimeout: 60
middlewares:
  audit:
    enabled: false         # the audit middleware forwards to registry.npmjs.org
web:
  enable: false
max_body_size: 50mb
log:
  type: stdout
  format: pretty
  level: warn
`
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('-/ping', url), {signal: AbortSignal.timeout(2000)})
    await response.arrayBuffer()
    return response.ok
  } catch {
    return false
  }
}

/** Starts verdaccio; resolves once it answers `GET /-/ping`. `scopes` (default @discode-example) may publish and are mapped in its npmrc. */
export async function startVerdaccio(options: {scopes?: string[]} = {}): Promise<Verdaccio> {
  const scopes = options.scopes ?? [EXAMPLE_SCOPE]
  const dir = mkdtempSync(join(tmpdir(), 'discode-verdaccio-'))
  try {
    // A free port can be taken between freePort() and verdaccio's listen: try a few.
    for (let attempt = 1; ; attempt++) {
      try {
        return await launch(dir, await freePort(), scopes)
      } catch (error) {
        if (attempt >= 3 || !/EADDRINUSE/.test(String((error as Error).message))) throw error
      }
    }
  } catch (error) {
    rmSync(dir, {recursive: true, force: true})
    throw error
  }
}

async function launch(dir: string, port: number, scopes: string[]): Promise<Verdaccio> {
  const url = `http://127.0.0.1:${port}/`
  const config = join(dir, 'config.yaml')
  writeFileSync(config, configYaml(dir, port, scopes))

  const npmrc = join(dir, 'npmrc')
  writeFileSync(
    npmrc,
    [
      ...scopes.map((scope) => `${scope}:registry=${url}`),
      // npm sends a credential for a registry only when its npmrc has one for that host and path.
      `//127.0.0.1:${port}/:_authToken=discode-tests-fake-token`,
      `cache=${join(dir, 'npm-cache')}`,
      'fund=false',
      'audit=false',
      'update-notifier=false',
      '',
    ].join('\n'),
  )

  const child: ChildProcess = spawn(process.execPath, [VERDACCIO_BIN, '--config', config], {
    cwd: dir,
    env: npmEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  let exited: {code: number | null; signal: NodeJS.Signals | null} | undefined
  const exit = new Promise<void>((ok) =>
    child.once('exit', (code, signal) => {
      exited = {code, signal}
      ok()
    }),
  )

  const deadline = Date.now() + START_TIMEOUT_MS
  while (!(await answers(url))) {
    if (exited) throw new Error(`verdaccio exited (${exited.code ?? exited.signal}) before answering on ${url}:\n${output}`)
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`verdaccio did not answer on ${url} within ${START_TIMEOUT_MS / 1000}s:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }

  const env = npmEnv({npm_config_userconfig: npmrc})
  const npm = (args: string[], options: {cwd?: string} = {}) => runNpm([...args, '--userconfig', npmrc], {cwd: options.cwd, env})
  let stopped = false
  return {
    url,
    npmrc,
    dir,
    npm,
    async publish(pkgDir: string) {
      // The directory as the argument: npm's idea of the "current project" may differ from cwd.
      await npm(['publish', resolve(pkgDir), '--registry', url], {cwd: resolve(pkgDir)})
    },
    async stop() {
      if (stopped) return
      stopped = true
      if (!exited) {
        child.kill('SIGTERM')
        const killer = setTimeout(() => child.kill('SIGKILL'), 5000)
        await exit
        clearTimeout(killer)
      }
      rmSync(dir, {recursive: true, force: true})
    },
  }
}

/** The plugin's sources in a temp dir with `version` set (and `edit` applied); node_modules is the repo copy's (a link). */
export function versionedCopy(pluginDir: string, version: string, edit?: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'discode-example-'))
  cpSync(pluginDir, dir, {recursive: true, filter: (source) => !/[/\\](node_modules|dist)$/.test(source)})
  symlinkSync(join(pluginDir, 'node_modules'), join(dir, 'node_modules'), 'dir')
  const pjson = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {version: string}
  pjson.version = version
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pjson, null, 2)}\n`)
  edit?.(dir)
  return dir
}
