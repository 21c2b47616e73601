import {existsSync, readFileSync, rmSync} from 'node:fs'
import {isAbsolute, join, resolve} from 'node:path'

import {DiscodeError} from '../errors.js'
import type {Engine} from '../lifecycle/context.js'
import {runOperation} from '../lifecycle/operation.js'
import {validateAppName} from '../names/names.js'
import {readAppKey} from './app-key.js'
import {KEY_FILE} from './encryption.js'
import {isSnapshotId, type Manifest} from './manifest.js'
import {authenticateSnapshot} from './manifest-auth.js'
import {DEFAULT_KEEP} from './retention.js'
import {appBackupDir, appsWithSnapshots, backupRoot, listSnapshots, type StoredSnapshot} from './snapshot-store.js'
import {type SnapshotResult, takeSnapshot} from './take-snapshot.js'
import {verifySnapshot} from './verify.js'

/** `discode backup APP`: a manual snapshot under the app's lock; --keep/--dir are remembered for the app. */
export async function backupApp(
  engine: Engine,
  options: {app: string; dir?: string; keep?: number; passphrase?: string; wait?: boolean},
): Promise<SnapshotResult> {
  validateAppName(options.app)
  if (!(await engine.store.read(options.app))) throw notKnown(options.app)
  if (options.keep !== undefined && (!Number.isInteger(options.keep) || options.keep < 1)) {
    throw new DiscodeError(`--keep ${options.keep} is not a number of snapshots`, {
      hint: 'Give a whole number of at least 1',
      code: 'BAD_FLAG',
    })
  }
  const dir = options.dir === undefined ? undefined : resolve(options.dir)
  return runOperation(engine, options.app, 'backup', {wait: options.wait}, async (op) => {
    const result = await takeSnapshot(op, {
      trigger: 'manual',
      dir,
      passphrase: options.passphrase,
      keep: options.keep,
    })
    // Remembered once they worked: a directory that failed (full, unwritable) is not kept for later backups.
    if (options.keep !== undefined || dir !== undefined) {
      const record = (await engine.store.read(options.app))!
      await engine.store.write({
        ...record,
        backup: {...record.backup, ...(options.keep ? {keep: options.keep} : {}), ...(dir ? {dir} : {})},
      })
    }
    return result
  })
}

export interface SnapshotSummary {
  app: string
  id: string
  dir: string
  createdAt: string
  trigger: Manifest['trigger']
  release?: string
  bytes: number
  encrypted: boolean
  containsSecrets: boolean
  consistency: Manifest['consistency']
  /** Checked against the manifest's checksums and its MAC (only with `verify`). */
  verified?: boolean
  /** The manifest's MAC checked (false: an encrypted snapshot whose key only its passphrase opens, checked at restore). */
  authenticated?: boolean
  problem?: string
}

/** Snapshots of one app or of every app, newest first; `verify` checks every checksum. */
export async function listBackups(engine: Engine, options: {app?: string; dir?: string; verify?: boolean}): Promise<SnapshotSummary[]> {
  if (options.app) validateAppName(options.app)
  const roots = new Set<string>()
  const apps = new Set<string>(options.app ? [options.app] : engine.store.apps())
  const defaultRoot = backupRoot(engine.settings.home, options.dir && resolve(options.dir))
  roots.add(defaultRoot)
  if (!options.app) for (const app of appsWithSnapshots(defaultRoot)) apps.add(app)
  const summaries: SnapshotSummary[] = []
  for (const app of [...apps].sort()) {
    const configured = (await engine.store.read(app))?.backup?.dir
    const appRoots = new Set([...roots, ...(configured && !options.dir ? [configured] : [])])
    for (const root of appRoots) {
      for (const snapshot of listSnapshots(root, app)) {
        const m = snapshot.manifest
        const summary: SnapshotSummary = {
          app,
          id: m.id,
          dir: snapshot.dir,
          createdAt: m.createdAt,
          trigger: m.trigger,
          release: m.versions.release,
          bytes: m.parts.reduce((sum, p) => sum + p.size, 0),
          encrypted: m.encrypted,
          containsSecrets: m.containsSecrets,
          consistency: m.consistency,
        }
        if (options.verify) {
          try {
            await verifySnapshot(snapshot.dir)
            summary.authenticated = authenticateListed(engine, snapshot)
            summary.verified = true
          } catch (error) {
            summary.verified = false
            summary.problem = (error as Error).message
          }
        }
        summaries.push(summary)
      }
    }
  }
  return summaries.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
}

/**
 * `backup list --verify`: a plain snapshot's MAC with the host key; an encrypted one's with the app's
 * remembered key when the snapshot was taken with it, else it waits for the passphrase at restore.
 */
function authenticateListed(engine: Engine, snapshot: StoredSnapshot): boolean {
  const {home} = engine.settings
  if (!snapshot.manifest.encrypted) {
    authenticateSnapshot(home, snapshot, {})
    return true
  }
  const key = readAppKey(engine.store.appDir(snapshot.manifest.app))
  const sealed = join(snapshot.dir, KEY_FILE)
  if (!key || !existsSync(sealed) || !Buffer.from(key.sealed).equals(readFileSync(sealed))) return false
  authenticateSnapshot(home, snapshot, {macKey: key.macKey})
  return true
}

/**
 * A snapshot named by id (looked up in the app's backup directories) or by path (a copied snapshot
 * directory, e.g. for disaster recovery on another host).
 */
export async function findSnapshotDir(engine: Engine, app: string, snapshot: string, dir?: string): Promise<string> {
  if (!isSnapshotId(snapshot) || snapshot.includes('/') || isAbsolute(snapshot)) {
    const path = resolve(snapshot)
    if (existsSync(path)) return path
  } else {
    const record = await engine.store.read(app)
    const roots = [dir && resolve(dir), record?.backup?.dir, backupRoot(engine.settings.home)].filter((r): r is string => Boolean(r))
    for (const root of roots) {
      const path = join(appBackupDir(root, app), snapshot)
      if (existsSync(path)) return path
    }
  }
  throw new DiscodeError(`No snapshot ${snapshot} of ${app}`, {
    hint: `See "discode backup list ${app}", or give the path of a snapshot directory`,
    code: 'SNAPSHOT_NOT_FOUND',
  })
}

/** `discode backup remove APP SNAPSHOT`. */
export async function removeBackup(
  engine: Engine,
  options: {app: string; snapshot: string; dir?: string; wait?: boolean},
): Promise<{app: string; id: string; dir: string}> {
  validateAppName(options.app)
  const dir = await findSnapshotDir(engine, options.app, options.snapshot, options.dir)
  return runOperation(engine, options.app, 'backup remove', {wait: options.wait}, async () => {
    rmSync(dir, {recursive: true, force: true})
    return {app: options.app, id: options.snapshot, dir}
  })
}

export {DEFAULT_KEEP}

function notKnown(app: string): DiscodeError {
  return new DiscodeError(`${app} is not installed, and discode keeps no data of it`, {
    hint: 'See "discode status"; to bring an app back from a snapshot, use "discode restore APP SNAPSHOT-DIR"',
    code: 'NOT_INSTALLED',
  })
}
