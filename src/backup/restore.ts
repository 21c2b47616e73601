import {DiscodeError} from '../errors.js'
import type {RestoreFacts} from '../lifecycle/backups.js'
import type {Engine} from '../lifecycle/context.js'
import {install} from '../lifecycle/install.js'
import {type Operation, runOperation, type Timings} from '../lifecycle/operation.js'
import {validateAppName} from '../names/names.js'
import {applySnapshot, restoreFacts} from './apply-snapshot.js'
import {findSnapshotDir} from './backup-app.js'
import {checkSnapshot} from './check-snapshot.js'
import {clearPendingRestore, restoredKey, writePendingRestore} from './pending-restore.js'
import {recoverData} from './recover-data.js'
import type {StoredSnapshot} from './snapshot-store.js'
import {rememberAppKey} from './take-snapshot.js'
import {snapshotIdentity, verifySnapshot} from './verify.js'

export interface RestoreOptions {
  /** Asked only when the snapshot is encrypted. */
  passphrase?: () => Promise<string>
  /** Backup directory to look the id up in, if not the app's. */
  dir?: string
  wait?: boolean
  /** For callers that already hold the app's lock (a rollback with --restore-data): their operation. */
  locked?: Operation
  /** Restore a snapshot whose manifest cannot be authenticated here (see manifest-auth.ts). */
  trustUnauthenticated?: boolean
  /** What the caller's operation already read (a rollback with --restore-data): not read again. */
  facts?: RestoreFacts
}

export interface RestoreResult {
  app: string
  snapshot: string
  dir: string
  /** apply: data restored into the installed app; recover: the app installed again from the snapshot. */
  mode: 'apply' | 'recover'
  release?: string
  heldMs: number
  /** Stopped containers of earlier releases the restore removed (`name (version)`); rollback recreates them from their images. */
  removedReleases: string[]
  timings: Timings
}

/** A snapshot checked for a restore (see prepareRestore): nothing was touched yet. */
export interface PreparedRestore {
  dir: string
  snapshot: StoredSnapshot
  identity?: string
}

/**
 * Everything a restore checks before anything is touched: every checksum and part path
 * (verifySnapshot), the passphrase, the manifest's MAC, and the manifest against the app's record
 * and recipe (checkSnapshot). A rollback with --restore-data calls it before it changes the record.
 */
export async function prepareRestore(
  engine: Engine,
  app: string,
  snapshotRef: string,
  options: RestoreOptions = {},
): Promise<PreparedRestore> {
  validateAppName(app)
  const dir = await findSnapshotDir(engine, app, snapshotRef, options.dir)
  const snapshot = await verifySnapshot(dir)
  if (snapshot.manifest.app !== app) {
    throw new DiscodeError(`Snapshot ${snapshot.id} is of ${snapshot.manifest.app}, not ${app}`, {
      hint: `Restore it as "discode restore ${snapshot.manifest.app} ${snapshotRef}"`,
      code: 'SNAPSHOT_OTHER_APP',
    })
  }
  const {facts} = options
  const record = facts ? facts.record : await engine.store.read(app)
  const runtime = facts?.runtime ?? (await engine.runtimeFor(record))
  runtime.requireOneHost(app, {what: 'restore', snapshot: snapshot.id, ref: snapshotRef})
  const identity = await snapshotIdentity(snapshot, options.passphrase)
  await checkSnapshot(engine, app, snapshot, {
    identity,
    trustUnauthenticated: options.trustUnauthenticated,
    known: {record, raw: facts?.raw},
  })
  return {dir, snapshot, identity}
}

/**
 * `discode restore APP SNAPSHOT`: checked before anything is touched (prepareRestore), then the data
 * is brought back into the installed app (zero-error: requests are held), or, on a host where the app
 * is not installed, recovered: data first, then `install` of the snapshot's release with its inputs
 * and secrets. Journaled, and marked pending until complete (see pending-restore.ts), so a killed
 * restore is finished by the next command.
 */
export async function restoreSnapshot(
  engine: Engine,
  app: string,
  snapshotRef: string,
  options: RestoreOptions & {prepared?: PreparedRestore} = {},
): Promise<RestoreResult> {
  const {dir, snapshot, identity} = options.prepared ?? (await prepareRestore(engine, app, snapshotRef, options))
  const work = async (op: Operation) => {
    // Gathered once: the caller's (a rollback's, as switched), else what this operation read (op.record).
    const facts = options.facts ?? (op.record?.current ? await restoreFacts(engine, op.record) : undefined)
    const mode = facts ? 'apply' : 'recover'
    const appDir = engine.store.appDir(app)
    engine.store.ensureAppDir(app)
    const trust = options.trustUnauthenticated
    writePendingRestore(appDir, {snapshotDir: dir, id: snapshot.id, mode, identity, trust, startedAt: new Date().toISOString()})
    let applied = {heldMs: 0, removedReleases: [] as string[]}
    if (facts) applied = await applySnapshot(op, snapshot, facts, identity)
    else await recoverData(op, snapshot, identity)
    if (identity) await rememberAppKey(engine, app, await restoredKey(snapshot, identity), facts?.record)
    clearPendingRestore(appDir)
    return {mode, ...applied} as const
  }
  let timings: Timings = {}
  const done = options.locked
    ? await work(options.locked)
    : await runOperation(engine, app, 'restore', {wait: options.wait, detail: snapshot.id}, async (op) => {
        timings = op.timings
        return work(op)
      })
  if (done.mode === 'recover') await reinstall(engine, app, snapshot, options)
  return {
    app,
    snapshot: snapshot.id,
    dir,
    mode: done.mode,
    release: snapshot.manifest.versions.release,
    heldMs: done.heldMs,
    removedReleases: done.removedReleases,
    timings,
  }
}

/** Disaster recovery, second half: the snapshot's release, installed onto its restored data. */
async function reinstall(engine: Engine, app: string, snapshot: StoredSnapshot, options: RestoreOptions): Promise<void> {
  if (options.locked) {
    throw new DiscodeError(`${app} is not installed here, so its snapshot cannot be restored inside another operation`, {
      hint: `Run "discode restore ${app} ${snapshot.dir}"`,
      code: 'NOT_INSTALLED',
    })
  }
  const record = (await engine.store.read(app))!
  await install(engine, {app, recipe: record.recipe.ref, set: {}, version: snapshot.manifest.versions.release, wait: options.wait})
}
