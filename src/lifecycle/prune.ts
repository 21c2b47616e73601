import type {AppRecord} from '../state/store.js'
import {planPrune} from './history.js'
import {type Operation, step} from './operation.js'

/**
 * Removes the releases planPrune drops (containers or services, and images), then writes the record
 * that keeps the rest; returns that record. Removing comes first: a run killed in between leaves a
 * record listing too many releases, which the next reconcile prunes again (removal is idempotent),
 * never a container or an image on the host that no record knows.
 */
export async function pruneReleases(op: Operation, record: AppRecord): Promise<AppRecord> {
  const {record: kept, drop} = planPrune(record)
  if (drop.length === 0) return record
  await step(op, 'cleanup', `Removing ${drop.length} old release(s)`, async () => {
    const runtime = await op.engine.runtimeFor(record)
    for (const release of drop) await runtime.remove(op, release)
  })
  await op.engine.store.write(kept)
  return kept
}
