import type {Recipe} from '../recipes/schema.js'
import type {AppRecord} from '../state/store.js'
import type {Operation} from './operation.js'

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
   * manifest), then `switched` changes the record, then the data comes back in the same operation.
   */
  restoreForRollback(
    op: Operation,
    path: string,
    options: {passphrase?: () => Promise<string>; switched: () => Promise<void>},
  ): Promise<{heldMs: number}>
}
