import {existsSync, readFileSync, renameSync, rmSync} from 'node:fs'
import {join} from 'node:path'

import type {Engine} from '../lifecycle/context.js'
import {unjournaled} from '../lifecycle/operation.js'
import {applySnapshot, restoreFacts} from './apply-snapshot.js'
import {checkSnapshot} from './check-snapshot.js'
import {KEY_FILE, recipientOf, type SnapshotKey} from './encryption.js'
import {identityMacKey} from './manifest-auth.js'
import {recoverData} from './recover-data.js'
import {type StoredSnapshot, writePrivateFile} from './snapshot-store.js'
import {rememberAppKey} from './take-snapshot.js'
import {verifySnapshot} from './verify.js'

/**
 * A restore in progress, in `apps/<app>/restore-pending.json` (0600): written after the snapshot was
 * verified and before anything is touched, removed once the restore is complete. While it exists the
 * app's data may be half-restored, so the app is kept stopped; the next discode command that takes
 * the app's lock (runOperation) redoes the restore before anything else (see finishPendingRestore).
 * For an encrypted snapshot it holds the snapshot's own key (not the passphrase), so the redo needs
 * nobody to type it: it is as private as secrets.json beside it and is deleted with the marker.
 */
export interface PendingRestore {
  snapshotDir: string
  id: string
  /** apply: onto the installed app; recover: the data of an app not installed here (disaster recovery). */
  mode: 'apply' | 'recover'
  identity?: string
  /** Given --trust-unauthenticated: the redo checks the snapshot the same way. */
  trust?: boolean
  startedAt: string
}

const FILE = 'restore-pending.json'

export function pendingRestoreFile(appDir: string): string {
  return join(appDir, FILE)
}

export function readPendingRestore(appDir: string): PendingRestore | undefined {
  const file = pendingRestoreFile(appDir)
  if (!existsSync(file)) return undefined
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PendingRestore
  } catch {
    return undefined // cut short before it was complete: nothing had been touched yet
  }
}

export function writePendingRestore(appDir: string, pending: PendingRestore): void {
  const temp = `${pendingRestoreFile(appDir)}.tmp`
  writePrivateFile(temp, JSON.stringify(pending))
  // Rename: the marker is either absent or complete.
  renameSync(temp, pendingRestoreFile(appDir))
}

export function clearPendingRestore(appDir: string): void {
  rmSync(pendingRestoreFile(appDir), {force: true})
}

/**
 * Called by runOperation with the app's lock held, before the operation begins: a restore that was
 * killed is done again from its (re-verified) snapshot, so no command ever works on, or starts,
 * half-restored data.
 */
export async function finishPendingRestore(engine: Engine, app: string): Promise<boolean> {
  const appDir = engine.store.appDir(app)
  const pending = readPendingRestore(appDir)
  if (!pending) return false
  engine.reporter.warn(`A restore of ${app} from snapshot ${pending.id} (${pending.startedAt}) was interrupted: finishing it first`)
  const record = await engine.store.read(app)
  // The record read once, here: the restore's claims take it from the op (a recovery's: none, as a
  // disaster recovery never adopts what it did not label).
  const op = {...unjournaled(engine, app), record: pending.mode === 'apply' ? record : undefined}
  const snapshot = await verifySnapshot(pending.snapshotDir)
  // The snapshot's directory may have changed since: authenticated and checked again.
  const known = {record}
  await checkSnapshot(engine, app, snapshot, {identity: pending.identity, trustUnauthenticated: pending.trust, known})
  if (pending.mode === 'apply' && record?.current) await applySnapshot(op, snapshot, await restoreFacts(engine, record), pending.identity)
  else {
    await recoverData(op, snapshot, pending.identity)
    engine.reporter.warn(
      `The data of ${app} is back; to install it on that data, run "discode restore ${app} ${pending.snapshotDir}" again`,
    )
  }
  if (pending.identity) await rememberAppKey(engine, app, await restoredKey(snapshot, pending.identity))
  clearPendingRestore(appDir)
  return true
}

/** The key of a restored encrypted snapshot, kept so the app's later snapshots are encrypted too. */
export async function restoredKey(snapshot: StoredSnapshot, identity: string): Promise<SnapshotKey> {
  const sealed = readFileSync(join(snapshot.dir, KEY_FILE))
  return {recipient: await recipientOf(identity), sealed, macKey: identityMacKey(identity)}
}
