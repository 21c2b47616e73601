import {existsSync} from 'node:fs'
import {join} from 'node:path'

import {appRuntime} from '../lifecycle/app-runtime.js'
import type {Engine} from '../lifecycle/context.js'

/**
 * Before any operation on an app: a restore that was killed left its data half-restored, so it is
 * finished first (see pending-restore.ts). Only the marker file is checked here: the backup modules
 * load only when there is one, so other commands pay nothing for it.
 */
export async function finishPendingWork(engine: Engine, app: string): Promise<void> {
  if (!existsSync(join(engine.store.appDir(app), 'restore-pending.json'))) return
  // On the app's own network, as every step of the app's operations.
  const {engine: appEngine} = await appRuntime(engine, app, await engine.store.read(app))
  await (await import('./pending-restore.js')).finishPendingRestore(appEngine, app)
}
