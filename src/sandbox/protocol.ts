/**
 * The request channel between discode and a sandboxed vendor hook (IPC messages, see hook-child.ts).
 * Everything the child sends is untrusted: these pure functions decide what is served.
 *
 *   child -> parent  {type: 'ready'}                               once started (start-up is measured to here)
 *   parent -> child  {type: 'start', event, hooks, data, calls}    what to run, and which calls exist
 *   child -> parent  {type: 'call', id?, method, args}             log (no id: no answer), run, add
 *   parent -> child  {type: 'result', id, value} | {type: 'result', id, error}
 *   child -> parent  {type: 'done'} | {type: 'failed', message}
 */

/** How a capability is offered: `notify` returns nothing and is not answered (log, add); `request` resolves. */
export type CallKind = 'notify' | 'request'

export interface StartMessage {
  type: 'start'
  event: string
  /** Absolute paths of the hook modules (inside the sandbox's copy of the plugin) and their export names. */
  hooks: {file: string; identifier: string}[]
  data: Record<string, unknown>
  calls: Record<string, CallKind>
}

export type ChildMessage =
  {type: 'ready'} | {type: 'done'} | {type: 'failed'; message: string} | {type: 'call'; id?: number; method: string; args: unknown[]}

/** A log line or an error message, as a terminal may show it: no control characters, bounded. */
export const MAX_TEXT = 4000

export function cleanText(value: unknown, max = MAX_TEXT): string {
  const text = String(value).replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, '')
  return text.length > max ? `${text.slice(0, max)}...` : text
}

/** A message from the child, checked for shape; anything else is undefined (and ignored). */
export function parseChildMessage(message: unknown): ChildMessage | undefined {
  if (!message || typeof message !== 'object') return undefined
  const m = message as Record<string, unknown>
  if (m.type === 'ready' || m.type === 'done') return {type: m.type}
  if (m.type === 'failed') return {type: 'failed', message: cleanText(m.message ?? 'the hook failed')}
  if (m.type === 'call' && typeof m.method === 'string' && Array.isArray(m.args)) {
    const id = typeof m.id === 'number' && Number.isSafeInteger(m.id) ? m.id : undefined
    return {type: 'call', id, method: m.method, args: m.args}
  }
  return undefined
}

/** The arguments of `run(cmd, {timeoutMs})`, checked; the time is capped by what is left of the hook's. */
export function runArguments(args: unknown[], remainingMs: number): {cmd: string[]; timeoutMs: number} {
  const [cmd, options] = args
  if (!Array.isArray(cmd) || cmd.length === 0 || cmd.length > 10_000 || !cmd.every((part) => typeof part === 'string'))
    throw new Error('run(cmd): cmd must be a non-empty array of strings')
  const asked = (options as {timeoutMs?: unknown} | undefined)?.timeoutMs
  const timeoutMs = typeof asked === 'number' && asked > 0 ? Math.min(asked, remainingMs) : remainingMs
  return {cmd: cmd as string[], timeoutMs: Math.max(1, Math.round(timeoutMs))}
}

/** Files a collector adds, in total: beyond this the bundle is not the place for them. */
export const MAX_ADDED_BYTES = 16 * 1024 * 1024

/** The arguments of `add(name, content)`, checked against what was already added. */
export function addArguments(args: unknown[], addedBytes: number): {name: string; content: string} {
  const [name, content] = args
  if (typeof name !== 'string' || name === '') throw new Error('add(name, content): name must be a non-empty string')
  const text = String(content ?? '')
  if (addedBytes + Buffer.byteLength(text) > MAX_ADDED_BYTES)
    throw new Error(`add(${name}): the files added exceed ${MAX_ADDED_BYTES / 1024 / 1024} MiB`)
  return {name, content: text}
}

/** The context's plain data (sent to the child) and its functions (the calls the parent serves). */
export function splitContext(context: object): {data: Record<string, unknown>; functions: Record<string, (...args: unknown[]) => unknown>} {
  const data: Record<string, unknown> = {}
  const functions: Record<string, (...args: unknown[]) => unknown> = {}
  for (const [key, value] of Object.entries(context)) {
    if (typeof value === 'function') functions[key] = value as (...args: unknown[]) => unknown
    else if (value !== undefined) data[key] = value
  }
  // A structured clone of the data: nothing of the parent's objects (prototypes, getters) crosses.
  return {data: JSON.parse(JSON.stringify(data)) as Record<string, unknown>, functions}
}

/** `log` and `add` are fire-and-forget, as in the in-process API; every other call is answered. */
export function callKinds(functions: Record<string, unknown>): Record<string, CallKind> {
  return Object.fromEntries(Object.keys(functions).map((name) => [name, name === 'log' || name === 'add' ? 'notify' : 'request']))
}

/** The flag that turns Node's permission model on: renamed `--permission` in Node 22.13 and 23.5. */
export function permissionFlag(version = process.versions.node): string {
  const [major, minor] = version.split('.').map(Number)
  return major >= 24 || (major === 23 && minor >= 5) || (major === 22 && minor >= 13) ? '--permission' : '--experimental-permission'
}

/**
 * Who the hook runs as. Only root can switch: then a dedicated system user `discode-hooks` if the
 * host has one, else `nobody` (65534). Never root. `undefined`: discode is not root, no switch.
 */
export function sandboxIdentity(currentUid: number | undefined, passwd: string): {uid: number; gid: number; user: string} | undefined {
  if (currentUid !== 0) return undefined
  const entries = new Map(
    passwd
      .split('\n')
      .map((line) => line.split(':'))
      .filter((fields) => fields.length >= 4)
      .map(([user, , uid, gid]) => [user, {uid: Number(uid), gid: Number(gid), user}]),
  )
  const found = entries.get(HOOK_USER) ?? entries.get('nobody')
  const chosen = found && Number.isInteger(found.uid) && Number.isInteger(found.gid) ? found : {uid: 65_534, gid: 65_534, user: 'nobody'}
  if (chosen.uid === 0 || chosen.gid === 0) return {uid: 65_534, gid: 65_534, user: 'nobody'}
  return chosen
}

/** The system user hooks run as when the host has one (else `nobody`). */
export const HOOK_USER = 'discode-hooks'

/**
 * Uids a hook process gets, one of its own each: 2^20 of them from 0x70000000, a range systemd leaves
 * unused (above the container ranges, below 2^31). A process may signal any other of its uid, and Node's
 * permission model does not stop `process.kill`: with one shared user, one vendor's hook could kill
 * another's, run at the same time by another discode command (or any other process of `nobody`).
 */
export const HOOK_UIDS = {first: 0x7000_0000, count: 0x10_0000}

/** What hookUid chooses from: /etc/passwd, /proc/self/uid_map (empty: all mapped) and the uids of running processes. */
export interface UidFacts {
  passwd: string
  uidMap: string
  inUse: Set<number>
}

/** HOOK_UIDS ∩ the uids this user namespace maps, as [start, end) intervals. */
function hookUidRanges(uidMap: string): [number, number][] {
  const lines = uidMap.split('\n').map((line) => line.trim().split(/\s+/).map(Number))
  const mapped = lines.filter((f) => f.length === 3 && f.every(Number.isInteger)).map(([inside, , count]) => [inside, inside + count])
  const end = HOOK_UIDS.first + HOOK_UIDS.count
  return (mapped.length > 0 ? mapped : [[0, 2 ** 32]])
    .map(([a, b]) => [Math.max(a, HOOK_UIDS.first), Math.min(b, end)] as [number, number])
    .filter(([a, b]) => a < b)
}

/** The index-th uid of the ranges, counted across them. */
function nthUid(ranges: [number, number][], index: number): number {
  let left = index
  for (const [a, b] of ranges) {
    if (left < b - a) return a + left
    left -= b - a
  }
  return ranges[0]![0]
}

/**
 * A uid for one hook process: in HOOK_UIDS and mapped, named by no passwd entry, used by no process
 * now. `random(n)` gives an integer below n (random, so two discode processes choosing at once collide
 * with a chance of 2^-20). undefined: none (a user namespace that maps no such uid).
 */
export function hookUid(facts: UidFacts, random: (n: number) => number): number | undefined {
  const ranges = hookUidRanges(facts.uidMap)
  const total = ranges.reduce((sum, [a, b]) => sum + b - a, 0)
  const named = new Set(facts.passwd.split('\n').map((line) => Number(line.split(':')[2])))
  for (let attempt = 0; attempt < 64 && total > 0; attempt++) {
    const uid = nthUid(ranges, random(total))
    if (!named.has(uid) && !facts.inUse.has(uid)) return uid
  }
  return undefined
}
