import type {Backups} from '../lifecycle/backups.js'

/**
 * The lifecycle's Backups (src/lifecycle/backups.ts): each loaded only when an operation needs it. A
 * snapshot that fails is notified here (webhook, mail), so the lifecycle needs nothing of src/notify.
 */
export const backups: Backups = {
  async snapshot(op, options) {
    const {takeSnapshot} = await import('./take-snapshot.js')
    try {
      return await takeSnapshot(op, options)
    } catch (error) {
      // The update stops here: the admin hears why, whoever started it (auto-update runs unattended).
      const {notifySnapshotFailed} = await import('../notify/notify.js')
      await notifySnapshotFailed(op.engine.settings.home, op.app, (error as Error).message)
      throw error
    }
  },
  async restoreForRollback(op, path, options) {
    const {prepareRestore, restoreSnapshot} = await import('./restore.js')
    const {passphrase, facts} = options
    const prepared = await prepareRestore(op.engine, op.app, path, {passphrase, facts})
    await options.switched()
    return restoreSnapshot(op.engine, op.app, path, {locked: op, prepared, facts})
  },
}
