import semver from 'semver'

import type {AppRecord, DataSnapshotRef} from '../state/store.js'
import {runsOnMigratedData} from './data-compat.js'

/**
 * Whether a rollback to `target` puts old code on data a newer release's migration changed, and
 * which snapshot holds the data from before that migration. Pure: the update records a
 * DataSnapshotRef (rememberMigrationSnapshot) when it snapshots before running a release's preSwitch
 * hooks; the rollback asks this before switching.
 */
export type DataRollbackDecision =
  | {crossesMigration: false}
  | {
      crossesMigration: true
      /** Releases above the target, up to the serving one, whose migrations ran since that snapshot (oldest first). */
      migrations: string[]
      /** The snapshot of the data the target ran on last (snapshotToRestore): restoring it brings that data back. */
      snapshot: DataSnapshotRef
      /** Whether that snapshot was taken while `target` itself served (else an older or newer release's data). */
      exact: boolean
      /** Minutes of writes since the snapshot, lost by restoring it. */
      minutesOfWritesLost: number
      /** The vendor declared that `target` runs on the data the newest crossed migration left (data-compat.ts). */
      declared: boolean
    }

export function dataRollbackDecision(
  record: AppRecord,
  target: string,
  now: Date = new Date(),
  recipe: {migrations?: 'expand-only'} = {},
): DataRollbackDecision {
  const serving = record.current?.version
  if (!serving || !semver.valid(target) || !semver.valid(serving)) return {crossesMigration: false}
  const crossed = (record.dataSnapshots ?? [])
    .filter((ref) => semver.valid(ref.beforeVersion) && semver.gt(ref.beforeVersion, target) && semver.lte(ref.beforeVersion, serving))
    .sort((a, b) => semver.compare(a.beforeVersion, b.beforeVersion) || (a.takenAt < b.takenAt ? -1 : 1))
  if (crossed.length === 0) return {crossesMigration: false}
  const snapshot = snapshotToRestore(crossed, target)
  const since = crossed.filter((ref) => Date.parse(ref.takenAt) >= Date.parse(snapshot.takenAt))
  return {
    crossesMigration: true,
    migrations: [...new Set(since.map((ref) => ref.beforeVersion))],
    snapshot,
    exact: snapshot.fromVersion === target,
    minutesOfWritesLost: Math.max(0, Math.round((now.getTime() - Date.parse(snapshot.takenAt)) / 60_000)),
    declared: runsOnMigratedData(target, crossed, recipe),
  }
}

/**
 * The snapshot that holds the data `target` ran on last: the newest one taken while `target` itself
 * served (after a --keep-data rollback that is the migrated data it went on with, newer than the
 * snapshot from before the migration); with none, the one from before the oldest migration crossed
 * (`crossed` is sorted that way). Restoring anything older loses more writes.
 */
export function snapshotToRestore(crossed: DataSnapshotRef[], target: string): DataSnapshotRef {
  const exact = crossed.filter((ref) => ref.fromVersion === target)
  return exact.sort((a, b) => Date.parse(b.takenAt) - Date.parse(a.takenAt))[0] ?? crossed[0]
}

/** How many DataSnapshotRefs a record keeps (their snapshots are protected from retention). */
export const KEPT_DATA_SNAPSHOTS = 5

/** The record after a snapshot was taken before `beforeVersion`'s migration (newest first, bounded). */
export function rememberMigrationSnapshot(
  record: AppRecord,
  snapshot: {id: string; dir: string; createdAt: string},
  beforeVersion: string,
  rollbackTo?: string,
): AppRecord {
  const ref: DataSnapshotRef = {
    snapshot: snapshot.id,
    path: snapshot.dir,
    takenAt: snapshot.createdAt,
    fromVersion: record.current?.version ?? 'none',
    beforeVersion,
    ...(rollbackTo === undefined ? {} : {rollbackTo}),
  }
  return {...record, dataSnapshots: [ref, ...(record.dataSnapshots ?? [])].slice(0, KEPT_DATA_SNAPSHOTS)}
}
