import {existsSync} from 'node:fs'
import {join} from 'node:path'

import {withAppLock} from '../lock/lock.js'
import {Journal} from '../state/journal.js'
import type {Engine, Timings} from './context.js'

/**
 * One locked, journaled operation on an app (install, update, rollback, uninstall). The journal
 * records each step before and after it runs; an operation found unfinished (its process died) is
 * reported, and the operation's reconcile step repairs what it left.
 */
export async function runOperation<T>(
  engine: Engine,
  app: string,
  operation: string,
  options: {wait?: boolean; detail?: string},
  work: (engine: Engine, timings: Timings) => Promise<T>,
): Promise<T> {
  return withAppLock(engine.settings.home, app, {command: operation, wait: options.wait}, async () => {
    const journal = new Journal(engine.store.appDir(app))
    const interrupted = journal.interrupted()
    if (interrupted) {
      const where = interrupted.step ? `during its "${interrupted.step}" step` : 'between steps'
      engine.reporter.warn(
        `The last ${interrupted.operation} of ${app} (${interrupted.since}) was interrupted ${where}; finishing or undoing it first`,
      )
    }
    engine.store.ensureAppDir(app)
    engine.store.prepareWrites()
    // A killed restore left data half-restored: it is finished before anything else (src/backup).
    if (existsSync(pendingRestoreFile(engine.store.appDir(app)))) {
      await (await import('../backup/pending-restore.js')).finishPendingRestore(engine, app)
    }
    journal.begin(operation, options.detail)
    const timings: Timings = {}
    try {
      const result = await work({...engine, journal}, timings)
      journal.record('end', operation, 'ok')
      return result
    } catch (error) {
      journal.record('end', operation, `failed: ${(error as Error).message}`)
      throw error
    }
  })
}

/** Kept here (not imported) so that every command does not load the backup modules to check it. */
function pendingRestoreFile(appDir: string): string {
  return join(appDir, 'restore-pending.json')
}
