/** What doctor needs to know about an app's lock (src/lock/lock.ts keeps it under DISCODE_HOME/locks). */
import {readFileSync, rmSync, statSync} from 'node:fs'
import {hostname} from 'node:os'
import {join} from 'node:path'

import type {LockFacts} from './doctor-rules.js'

function lockPaths(home: string, app: string): {dir: string; holder: string} {
  const target = join(home, 'locks', app)
  return {dir: `${target}.lock`, holder: `${target}.holder.json`}
}

export function lockFacts(home: string, app: string, now = Date.now()): LockFacts {
  const paths = lockPaths(home, app)
  let mtime: number
  try {
    mtime = statSync(paths.dir).mtimeMs
  } catch {
    return {locked: false, thisHost: hostname(), ageMs: 0}
  }
  let holder: LockFacts['holder']
  try {
    holder = JSON.parse(readFileSync(paths.holder, 'utf8')) as LockFacts['holder']
  } catch {
    holder = undefined
  }
  return {locked: true, holder, holderAlive: holder ? processAlive(holder.pid) : undefined, thisHost: hostname(), ageMs: now - mtime}
}

/** Removes a lock doctor found stale: the lock directory and its holder file. */
export function clearLock(home: string, app: string): void {
  const paths = lockPaths(home, app)
  rmSync(paths.dir, {recursive: true, force: true})
  rmSync(paths.holder, {force: true})
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as {code?: string}).code === 'EPERM'
  }
}
