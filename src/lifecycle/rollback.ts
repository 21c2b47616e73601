import {loadInstalledRecipe, renderFor} from '../recipes/installed.js'
import {installedRecord} from '../state/installed.js'
import type {Engine} from './context.js'
import {type DataChoice, settleRollbackData} from './data-rollback-step.js'
import type {DeployResult} from './go-live.js'
import {promote, rollbackTarget} from './history.js'
import {type Operation, runOperation} from './operation.js'
import {assertProcessesSupported} from './deploy-release.js'
import {followWeb} from './processes/follow.js'
import {settleAppNetwork} from './app-network.js'
import {bootProxy} from './proxy-steps.js'
import {reconcileApp} from './reconcile.js'

export interface RollbackOptions {
  app: string
  to?: string
  wait?: boolean
  /** Across a migration: `restore` the snapshot from before it, or `keep` the data (code only). */
  data?: DataChoice
  /** The passphrase of that snapshot, when the app encrypts its snapshots (asked only then). */
  passphrase?: () => Promise<string>
}

export type RollbackResult = DeployResult & {app: string; restoredSnapshot?: string}

/**
 * rollback: switch traffic to a release kept on the host (the previous one, or `to`) with the
 * recipe's strategy, record it, retire the one that served if it still runs. Across a migration the
 * data is settled first (settleRollbackData); `--restore-data` switches code and data in one hold.
 */
export async function rollback(engine: Engine, options: RollbackOptions): Promise<RollbackResult> {
  const {app} = options
  await installedRecord(engine.store, app)
  return runOperation(engine, app, 'rollback', {wait: options.wait}, async (op) => {
    await bootProxy(op)
    const {record} = await reconcileApp(op, await installedRecord(engine.store, app))
    const current = record.current!
    const target = rollbackTarget(record, options.to)
    const {raw} = loadInstalledRecipe(engine.recipeRoots, record)
    const recipe = renderFor(app, raw, record.inputs, await engine.store.readSecrets(app), target)
    await assertProcessesSupported(op, record, recipe)
    const runtime = await op.engine.runtimeFor(record)
    const snapshot = await settleRollbackData(op, {record, recipe, current, target, choice: options.data, runHook: runtime.runHook})
    if (snapshot) return withRestoredData(op, {record, target, snapshot, passphrase: options.passphrase})
    const switched = await runtime.strategy(recipe).rollback(op, {recipe, current, target})
    const next = await followWeb(op, {recipe, runtime, next: switched.next, left: current, kind: 'rollback'})
    const {stillRunning, heldMs} = switched
    const updated = promote(record, next)
    await engine.store.write(updated)
    if (stillRunning) await runtime.retire(op, stillRunning)
    await settleAppNetwork(op)
    return {app, from: current, to: updated.current, timings: op.timings, ...(heldMs === undefined ? {} : {heldMs})}
  })
}

/**
 * Code and data back together: the target becomes current in the record, then the restore holds the
 * requests, stops and removes the release containers, brings the volumes back, starts the target on
 * them and lets the proxy health-check it (see applySnapshot). Users wait; nobody sees old code on
 * new data, nor an error.
 */
async function withRestoredData(
  op: Operation,
  move: {
    record: Parameters<typeof promote>[0]
    target: Parameters<typeof promote>[1]
    snapshot: {path: string; id: string}
    passphrase?: () => Promise<string>
  },
): Promise<RollbackResult> {
  const {record, target, snapshot} = move
  const from = record.current!
  const updated = promote(record, target)
  // The snapshot is verified and authenticated before the record (or anything else) changes.
  const restored = await op.engine.backups.restoreForRollback(op, snapshot.path, {
    passphrase: move.passphrase,
    switched: () => op.engine.store.write(updated),
  })
  return {app: op.app, from, to: updated.current, timings: op.timings, heldMs: restored.heldMs, restoredSnapshot: snapshot.id}
}
