import type {Backups} from '../lifecycle/backups.js'

/** The lifecycle's Backups (src/lifecycle/backups.ts): each loaded only when an operation needs it. */
export const backups: Backups = {
  async snapshot(op, options) {
    const {takeSnapshot} = await import('./take-snapshot.js')
    return takeSnapshot(op, options)
  },
  async restoreForRollback(op, path, options) {
    const {prepareRestore, restoreSnapshot} = await import('./restore.js')
    const prepared = await prepareRestore(op.engine, op.app, path, {passphrase: options.passphrase})
    await options.switched()
    return restoreSnapshot(op.engine, op.app, path, {locked: op, prepared})
  },
}
