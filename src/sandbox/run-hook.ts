/**
 * Runs a vendor plugin's hooks outside discode's process: a child `node` under Node's permission model
 * (it reads only a private copy of the plugin; no child processes, workers, addons or file writes) and,
 * when discode runs as root, as an unprivileged uid of its own in the group of `discode-hooks` (else
 * `nobody`; see hookUid: no other process, hook or not, shares it to signal it), which is what keeps
 * the Docker socket (root:docker 0660), DISCODE_HOME (0700) and other plugins out of reach. It gets the
 * context's data and a request channel (IPC) for the context's functions; nothing else is served.
 * See docs/architecture.md, "Vendor code runs outside discode".
 */
import {spawn} from 'node:child_process'
import {randomInt} from 'node:crypto'
import {chmodSync, chownSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, relative, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {
  addArguments,
  callKinds,
  cleanText,
  parseChildMessage,
  permissionFlag,
  runArguments,
  hookUid,
  sandboxIdentity,
  splitContext,
  type StartMessage,
} from './protocol.js'

export interface SandboxedHooks {
  pluginName: string
  pluginRoot: string
  event: string
  /** As oclif parses `oclif.hooks`: a path relative to the plugin's root and the export to call. */
  hooks: {target: string; identifier: string}[]
  timeoutMs: number
  /** The child's script; the compiled hook-child.js beside this file by default. */
  runner?: string
}

export class SandboxedHookError extends Error {}

type Identity = ReturnType<typeof sandboxIdentity>

/** A file's text, or '' if it is not there (a process may end between the listing of /proc and the read). */
function readIfThere(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

let identity: Identity | null = null
function hookIdentity(): Identity {
  if (identity === null) identity = sandboxIdentity(process.getuid?.(), readIfThere('/etc/passwd'))
  return identity
}

/** Uids given to this process's hooks that still run (another discode's show in /proc). */
const assigned = new Set<number>()

/** The real uids of the running processes (Linux; elsewhere none are known). */
function uidsInUse(): Set<number> {
  const uids = new Set(assigned)
  for (const pid of existsSync('/proc') ? readdirSync('/proc').filter((name) => /^\d+$/.test(name)) : []) {
    const line = /^Uid:\s+(\d+)/m.exec(readIfThere(`/proc/${pid}/status`))
    if (line) uids.add(Number(line[1]))
  }
  return uids
}

/**
 * Who this hook process runs as: a uid of its own (hookUid), in the hook user's group (which may read
 * the sandbox directory); the hook user itself if no such uid is free. undefined: discode is not root.
 */
function processIdentity(): Identity {
  const who = hookIdentity()
  if (!who) return undefined
  const facts = {passwd: readIfThere('/etc/passwd'), uidMap: readIfThere('/proc/self/uid_map'), inUse: uidsInUse()}
  const uid = hookUid(facts, (n) => randomInt(n))
  if (uid === undefined) return who
  assigned.add(uid)
  return {...who, uid}
}

const copies = new Map<string, string>()
process.once('exit', () => {
  for (const dir of copies.values()) rmSync(dir, {recursive: true, force: true})
})

/** Regular files and directories only: a symlink could name a file only discode (root) may read. */
function copyTree(from: string, to: string): void {
  mkdirSync(to, {recursive: true, mode: 0o755})
  for (const name of readdirSync(from)) {
    const source = join(from, name)
    const stat = lstatSync(source)
    if (stat.isDirectory()) copyTree(source, join(to, name))
    else if (stat.isFile()) copyFileSync(source, join(to, name))
  }
}

/**
 * The plugin and the child's script in a fresh directory the hook's user can read (the installed plugin
 * sits under root's data directory, which it cannot): also a snapshot, so what runs is what was checked.
 */
function sandboxDir(pluginRoot: string, runner: string, who: Identity): string {
  const key = `${pluginRoot}\n${runner}`
  const known = copies.get(key)
  if (known) return known
  const dir = mkdtempSync(join(tmpdir(), 'discode-hook-'))
  copies.set(key, dir)
  copyTree(pluginRoot, join(dir, 'plugin'))
  copyFileSync(runner, join(dir, 'runner.mjs'))
  if (who) {
    chownSync(dir, 0, who.gid)
    chmodSync(dir, 0o750)
  }
  return dir
}

function hookFile(pluginDir: string, target: string, pluginName: string): string {
  const base = resolve(pluginDir, target)
  const inside = relative(pluginDir, base)
  if (inside.startsWith('..') || inside === '') throw new SandboxedHookError(`${pluginName}: hook ${target} is outside the plugin`)
  const found = [base, `${base}.js`, `${base}.mjs`, `${base}.cjs`, join(base, 'index.js')].find(
    (file) => existsSync(file) && lstatSync(file).isFile(),
  )
  if (!found) throw new SandboxedHookError(`${pluginName}: hook ${target} is missing from the installed package`)
  return found
}

/** Runs one event's hooks of one plugin in a sandboxed child; resolves with the start-up time (spawn to first message). */
export async function runSandboxed(
  options: SandboxedHooks,
  context: object,
  warn: (message: string) => void = () => {},
): Promise<{startupMs: number}> {
  const who = processIdentity()
  if (!who) warnOnce(warn)
  const runner = options.runner ?? fileURLToPath(new URL('hook-child.js', import.meta.url))
  const dir = sandboxDir(options.pluginRoot, runner, who)
  const pluginDir = join(dir, 'plugin')
  const hooks = options.hooks.map((hook) => ({file: hookFile(pluginDir, hook.target, options.pluginName), identifier: hook.identifier}))
  const {data, functions} = splitContext(context)
  const start: StartMessage = {type: 'start', event: options.event, hooks, data, calls: callKinds(functions)}
  const args = [permissionFlag(), `--allow-fs-read=${dir}/*`, '--no-warnings', '--max-old-space-size=256', join(dir, 'runner.mjs')]
  const child = spawn(process.execPath, args, {
    cwd: pluginDir,
    env: {TZ: process.env.TZ, LANG: 'C.UTF-8'},
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    ...(who ? {uid: who.uid, gid: who.gid} : {}),
  })
  return serve(child, start, functions, options).finally(() => who && assigned.delete(who.uid))
}

let warned = false
function warnOnce(warn: (message: string) => void): void {
  if (warned) return
  warned = true
  warn(
    "discode is not running as root, so vendor hooks run as your user under Node's permission model only: they cannot read files, start processes or write, but they can use the network (and a Docker socket your user may open)",
  )
}

/** The calls a hook makes, checked before they are served: `deadline` caps `run`, a total caps `add`. */
function callServer(functions: Record<string, (...args: unknown[]) => unknown>, event: string, deadline: number) {
  let added = 0
  const checked = (method: string, args: unknown[]): unknown[] => {
    if (method === 'log') return [cleanText(args[0] ?? '')]
    if (method === 'run') {
      const {cmd, timeoutMs} = runArguments(args, deadline - Date.now())
      return [cmd, {timeoutMs}]
    }
    if (method === 'add') {
      const {name, content} = addArguments(args, added)
      added += Buffer.byteLength(content)
      return [name, content]
    }
    return args
  }
  return async (method: string, args: unknown[]): Promise<unknown> => {
    const fn = Object.hasOwn(functions, method) ? functions[method] : undefined
    if (!fn) throw new Error(`${method} is not available to ${event} hooks`)
    const value = await fn(...checked(method, args))
    return value === undefined ? null : JSON.parse(JSON.stringify(value))
  }
}

function serve(
  child: ReturnType<typeof spawn>,
  start: StartMessage,
  functions: Record<string, (...args: unknown[]) => unknown>,
  options: SandboxedHooks,
): Promise<{startupMs: number}> {
  const spawnedAt = performance.now()
  const call = callServer(functions, start.event, Date.now() + options.timeoutMs)
  let output = ''
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000))
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  let startupMs = 0
  return new Promise((ok, fail) => {
    let settled = false
    const finish = (error?: Error) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      child.kill('SIGKILL')
      if (error) fail(error)
      else ok({startupMs})
    }
    const timeout = `timed out after ${Math.round(options.timeoutMs / 1000)}s`
    const timer = setTimeout(() => finish(new SandboxedHookError(timeout)), options.timeoutMs)
    const answer = (id: number | undefined, reply: {value?: unknown; error?: string}) => {
      if (id !== undefined && child.connected) child.send({type: 'result', id, ...reply}, () => {})
    }
    child.on('error', (error) => finish(new SandboxedHookError(`could not start the hook process: ${error.message}`)))
    child.on('exit', (code, signal) => {
      const last = cleanText(output.trim().split('\n').pop() ?? '', 500)
      finish(new SandboxedHookError(`the hook process exited (${code ?? signal}) before finishing${last ? `: ${last}` : ''}`))
    })
    child.on('message', (raw) => {
      const message = parseChildMessage(raw)
      if (!message || settled) return
      if (message.type === 'ready') {
        startupMs = Math.round(performance.now() - spawnedAt)
        child.send(start)
      } else if (message.type === 'done') finish()
      else if (message.type === 'failed') finish(new SandboxedHookError(message.message))
      else
        call(message.method, message.args).then(
          (value) => answer(message.id, {value}),
          (error: unknown) => {
            const text = cleanText((error as Error)?.message ?? error)
            // A refused notification (an `add` over the limit) has no one to answer: it is logged.
            if (message.id === undefined) void call('log', [`${message.method} refused: ${text}`]).catch(() => {})
            else answer(message.id, {error: text})
          },
        )
    })
  })
}
