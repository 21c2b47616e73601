import {rmSync} from 'node:fs'

import type {AppRecord} from '../state/store.js'
import {DEFAULT_KEEP, planPrune} from './retention.js'
import {listSnapshots} from './snapshot-store.js'

/**
 * Applies retention after a new snapshot: the newest `keep` stay (the app's setting, else
 * DEFAULT_KEEP); snapshots a rollback across a migration may need (record.dataSnapshots) are kept.
 */
export function pruneSnapshots(root: string, record: AppRecord, keep?: number): string[] {
  const protect = new Set((record.dataSnapshots ?? []).map((ref) => ref.snapshot))
  const doomed = planPrune(
    listSnapshots(root, record.app).map((s) => ({id: s.id, createdAt: s.manifest.createdAt, dir: s.dir})),
    keep ?? record.backup?.keep ?? DEFAULT_KEEP,
    protect,
  )
  for (const snapshot of doomed) rmSync(snapshot.dir, {recursive: true, force: true})
  return doomed.map((s) => s.id)
}
