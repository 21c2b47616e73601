import {removeContainer, removeImage} from '../docker/docker.js'
import type {AppRecord} from '../state/store.js'
import {planPrune} from './history.js'
import {type Operation, step} from './operation.js'

/** Removes the containers and images of the releases planPrune drops; returns the record to keep. */
export async function pruneReleases(op: Operation, record: AppRecord): Promise<AppRecord> {
  const {record: kept, drop} = planPrune(record)
  if (drop.length === 0) return record
  await step(op, 'cleanup', `Removing ${drop.length} old release(s)`, async () => {
    for (const release of drop) {
      await removeContainer(op.engine.docker, release.container)
      await removeImage(op.engine.docker, release.imageId)
    }
  })
  return kept
}
