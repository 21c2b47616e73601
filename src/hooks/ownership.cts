/**
 * Running as root, discode must not trust a directory another user can change: its state (DISCODE_HOME,
 * with every app's secrets), its plugins (oclif's data directory) and its own installation (the package
 * with bin/run.js). Each path is checked from / down: every directory on the way must be root's and
 * not writable by group or others, except a sticky one on the way (/tmp: others cannot rename or remove
 * what root put there); the directory itself may not be writable by others even when sticky.
 * `judgeChain` decides over stat results (pure, unit-tested); `unsafePaths` does the few stat calls.
 * CommonJS (.cts), as it runs at every start-up from the init hook, where a require costs less than an import.
 */
import {realpathSync, statSync} from 'node:fs'
import {dirname} from 'node:path'

export interface PathFacts {
  path: string
  uid: number
  gid: number
  mode: number
}

export interface UnsafePath {
  /** What the path is for: "the state directory", ... */
  what: string
  path: string
  /** The directory on the way that is the problem, and why. */
  component: string
  reason: string
  fix: string
}

const STICKY = 0o1000
const GROUP_WRITE = 0o020
const OTHER_WRITE = 0o002

/**
 * The first unsafe directory of `chain` (from / down to the path; the last one is the path itself when
 * `lastIsTarget`, else an ancestor of a path not created yet), or undefined when root alone can change it.
 */
export function judgeChain(chain: PathFacts[], lastIsTarget: boolean): Omit<UnsafePath, 'what' | 'path'> | undefined {
  for (const [index, facts] of chain.entries()) {
    const target = lastIsTarget && index === chain.length - 1
    if (facts.uid !== 0) return {component: facts.path, reason: `owned by uid ${facts.uid}, not root`, fix: `chown root ${facts.path}`}
    const groupWrite = (facts.mode & GROUP_WRITE) !== 0 && facts.gid !== 0
    const otherWrite = (facts.mode & OTHER_WRITE) !== 0
    if (!groupWrite && !otherWrite) continue
    if (!target && (facts.mode & STICKY) !== 0) continue
    const who = otherWrite ? 'every user' : `group ${facts.gid}`
    return {component: facts.path, reason: `writable by ${who}`, fix: `chmod go-w ${facts.path}`}
  }
  return undefined
}

/** `/a/b/c` → `/`, `/a`, `/a/b`, `/a/b/c`. */
export function componentsOf(path: string): string[] {
  const chain: string[] = []
  for (let current = path; ; current = dirname(current)) {
    chain.unshift(current)
    if (dirname(current) === current) return chain
  }
}

/** The paths another user can change (a few stat calls each, shared prefixes stat'ed once). */
export function unsafePaths(
  targets: {what: string; path: string}[],
  stat: (path: string) => PathFacts | undefined = statFacts,
): UnsafePath[] {
  const cache = new Map<string, PathFacts | undefined>()
  const cached = (path: string) => {
    if (!cache.has(path)) cache.set(path, stat(path))
    return cache.get(path)
  }
  const found: UnsafePath[] = []
  for (const {what, path} of targets) {
    const real = realOrSelf(path)
    const chain = componentsOf(real)
      .map(cached)
      .filter((facts): facts is PathFacts => facts !== undefined)
    const lastIsTarget = chain.at(-1)?.path === real
    const problem = judgeChain(chain, lastIsTarget)
    if (problem) found.push({what, path, ...problem})
  }
  return found
}

function statFacts(path: string): PathFacts | undefined {
  try {
    const {uid, gid, mode} = statSync(path)
    return {path, uid, gid, mode}
  } catch {
    return undefined // not created yet: its parent decides
  }
}

function realOrSelf(path: string): string {
  try {
    return realpathSync.native(path)
  } catch {
    return path
  }
}
