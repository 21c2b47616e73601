import {DiscodeError} from '../errors.js'
import type {Recipe} from '../recipes/schema.js'
import type {AppRecord} from '../state/store.js'
import {type Operation, step} from './operation.js'

/**
 * Zero loss: before an update whose migration (a preSwitch hook) may rewrite the data, or one that
 * replaces accessories, the app's data is saved first. Pure: whether, and why.
 */
export function snapshotTrigger(change: {
  kind: 'install' | 'update'
  recipe: Pick<Recipe, 'hooks'>
  replaceAccessories: boolean
  skip: boolean
}): 'pre-update' | 'pre-accessories' | undefined {
  if (change.kind !== 'update' || change.skip) return undefined
  if (change.recipe.hooks.preSwitch.length > 0) return 'pre-update'
  return change.replaceAccessories ? 'pre-accessories' : undefined
}

/**
 * Step `snapshot`: takes it, and remembers it in the record as the data from before `version`'s
 * migration (a rollback across it then offers to restore it). A snapshot that fails stops the update
 * before anything was touched.
 */
export async function snapshotBeforeChange(
  op: Operation,
  change: {
    record: AppRecord
    recipe: Recipe
    trigger: 'pre-update' | 'pre-accessories'
    version: string
    /** The older releases the vendor declares to run on `version`'s data (kept for a rollback). */
    rollbackTo?: string
    /** The record as stored, when `record` holds what is not stored yet (an update's new inputs). */
    stored?: AppRecord
  },
): Promise<AppRecord> {
  const {record, recipe, trigger, version, rollbackTo} = change
  // The record as the operation has it (not read again): the snapshot keeps it, and remembers the ref in it.
  const stored = change.stored ?? record
  const {rememberMigrationSnapshot} = await import('./data-rollback.js')
  const taken = await step(op, 'snapshot', `Saving the data of ${op.app} before ${version} (a snapshot)`, () =>
    op.engine.backups.snapshot(op, {trigger, recipe, record: stored}),
  ).catch((error: Error) => {
    // engine.backups has told the admin already (src/backup/port.ts): the lifecycle imports no notify.
    throw new DiscodeError(`The snapshot before updating ${op.app} to ${version} failed, so nothing was changed: ${error.message}`, {
      hint: `${(error as DiscodeError).hint ?? 'Free some disk space or choose a backup directory ("discode backup APP --dir D")'}; "discode update ${op.app} --no-snapshot" updates without saving the data first`,
      code: 'SNAPSHOT_FAILED',
      cause: error,
    })
  })
  if (taken.heldMs > 0) op.reporter.info(`Requests were held for ${(taken.heldMs / 1000).toFixed(1)} s while the snapshot was taken`)
  const ref = {id: taken.id, dir: taken.dir, createdAt: taken.manifest.createdAt}
  // Remembered at once in the stored record (the migration may fail halfway), but nothing else of
  // this update's record (new inputs) is stored before it succeeds.
  await op.engine.store.write(rememberMigrationSnapshot(stored, ref, version, rollbackTo))
  return rememberMigrationSnapshot(record, ref, version, rollbackTo)
}
