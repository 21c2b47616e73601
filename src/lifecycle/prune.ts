import type {AppRecord} from '../state/store.js'
import {planPrune} from './history.js'
import {type Operation, step} from './operation.js'
import {runtimeFor} from './runtimes.js'

/** Removes the releases planPrune drops (containers or services, and images); returns the record to keep. */
export async function pruneReleases(op: Operation, record: AppRecord): Promise<AppRecord> {
  const {record: kept, drop} = planPrune(record)
  if (drop.length === 0) return record
  await step(op, 'cleanup', `Removing ${drop.length} old release(s)`, async () => {
    const runtime = runtimeFor(record)
    for (const release of drop) await runtime.remove(op, release)
  })
  return kept
}
