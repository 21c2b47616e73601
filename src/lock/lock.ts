import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {hostname} from 'node:os'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import lockfile from 'proper-lockfile'

import {DiscodeError} from '../errors.js'

export interface LockHolder {
  pid: number
  host: string
  command: string
  since: string
}

export class LockedError extends DiscodeError {}

/**
 * One discode at a time per app. proper-lockfile gives an atomic lock (mkdir) kept fresh by an mtime
 * heartbeat; a holder file beside it names who holds it, so a second run can say so, and so a lock
 * left by a process that died (SIGKILL) is taken over at once instead of after the stale time.
 */
export async function withAppLock<T>(
  home: string,
  app: string,
  options: {command: string; wait?: boolean; waitTimeoutMs?: number},
  work: () => Promise<T>,
): Promise<T> {
  const dir = join(home, 'locks')
  mkdirSync(dir, {recursive: true, mode: 0o700})
  const target = join(dir, app)
  const holderFile = `${target}.holder.json`
  const deadline = Date.now() + (options.waitTimeoutMs ?? 30 * 60_000)
  let release: () => Promise<void>
  for (;;) {
    try {
      release = await lockfile.lock(target, {realpath: false, stale: 15_000, update: 5_000, retries: 0, onCompromised: () => {}})
      break
    } catch (error) {
      if ((error as {code?: string}).code !== 'ELOCKED') throw error
      const holder = await readHolder(holderFile)
      if (holder && holder.host === hostname() && !processAlive(holder.pid)) {
        // The holder died without unlocking: its work is recovered by the reconcile step of whoever locks next.
        rmSync(`${target}.lock`, {recursive: true, force: true})
        rmSync(holderFile, {force: true})
        continue
      }
      if (!options.wait || Date.now() > deadline) {
        const who = holder ? `discode ${holder.command} (pid ${holder.pid}, since ${holder.since})` : 'another discode'
        throw new LockedError(`${app} is busy: ${who} is working on it`, {
          hint: 'Wait for it to finish, or run again with --wait',
          code: 'LOCKED',
        })
      }
      await sleep(500)
    }
  }
  const holder: LockHolder = {pid: process.pid, host: hostname(), command: options.command, since: new Date().toISOString()}
  writeFileSync(holderFile, JSON.stringify(holder), {mode: 0o600})
  try {
    return await work()
  } finally {
    // Unlock first, then remove the holder file if it is still ours. Killed in between, this leaves
    // only a holder file, which the next discode to lock overwrites; the other order would leave a
    // lock without a holder, which reads as "busy" until it goes stale (15 s).
    await release().catch(() => {})
    removeHolderIfOurs(holderFile, holder)
  }
}

/** Another discode may have locked and written its own holder file since we unlocked: leave that one. */
function removeHolderIfOurs(file: string, ours: LockHolder): void {
  try {
    const found = JSON.parse(readFileSync(file, 'utf8')) as LockHolder
    if (found.pid === ours.pid && found.since === ours.since && found.host === ours.host) rmSync(file, {force: true})
  } catch {
    // Gone already, or being rewritten by the next holder: either way not ours to remove.
  }
}

/** The holder writes its file just after taking the lock: give it a moment before calling it unknown. */
async function readHolder(file: string): Promise<LockHolder | undefined> {
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as LockHolder
    } catch {
      await sleep(20)
    }
  }
  return undefined
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as {code?: string}).code === 'EPERM'
  }
}
