import type {RawRecipe, Recipe} from '../recipes/schema.js'
import type {AppRecord, SecretsRecord} from '../state/store.js'
import type {Operation} from './operation.js'
import type {ReleaseRuntime} from './release-runtime.js'

/**
 * What the operation already read, so that a restore reads none of it again: the record the data
 * comes back under (a rollback's as switched: only its releases differ from the stored one), the
 * recipe as parsed and as rendered for that record's serving release, the secrets as stored, and the
 * app's runtime.
 */
export interface RestoreFacts {
  record: AppRecord
  raw: RawRecipe
  recipe: Recipe
  secrets: SecretsRecord
  runtime: ReleaseRuntime
}

/**
 * What the lifecycle asks of backups: a snapshot before a change, the data brought back by a
 * rollback with --restore-data. src/backup implements it (src/backup/port.ts) and plugs in where the
 * Engine is built, so the lifecycle imports nothing of src/backup.
 */
export interface Backups {
  /** A snapshot of the app's data, inside the caller's operation (which holds the lock); a failure is notified (webhook, mail). */
  snapshot(
    op: Operation,
    /** `record`: the app's record as stored (the operation has it; not read again). */
    options: {trigger: 'pre-update' | 'pre-accessories'; recipe: Recipe; record: AppRecord},
  ): Promise<{id: string; dir: string; manifest: {createdAt: string}; heldMs: number}>
  /**
   * A rollback's restore: the snapshot at `path` is checked first (checksums, passphrase, MAC,
   * manifest), then `switched` changes the record, then the data comes back in the same operation,
   * from `facts` (the record as switched): the restore reads no record, recipe or secrets.
   */
  restoreForRollback(
    op: Operation,
    path: string,
    options: {passphrase?: () => Promise<string>; switched: () => Promise<void>; facts: RestoreFacts},
  ): Promise<{heldMs: number}>
}
