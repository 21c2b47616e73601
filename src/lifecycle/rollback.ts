import {loadInstalledRecipe, renderFor} from '../recipes/installed.js'
import {installedRecord} from '../state/installed.js'
import type {Engine} from './context.js'
import type {DeployResult} from './go-live.js'
import {promote, rollbackTarget} from './history.js'
import {runOperation} from './operation.js'
import {bootProxy} from './proxy-steps.js'
import {reconcileApp} from './reconcile.js'
import {retireRelease} from './release-container.js'
import {strategyFor} from './strategies/index.js'

/**
 * rollback: switch traffic to a release kept on the host (the previous one, or `to`) with the
 * recipe's strategy, record it, retire the one that served if it still runs. Hooks do not run:
 * migrations are not reversible in general, and the kept release ran against this data before.
 */
export async function rollback(engine: Engine, options: {app: string; to?: string; wait?: boolean}): Promise<DeployResult & {app: string}> {
  const {app} = options
  await installedRecord(engine.store, app)
  return runOperation(engine, app, 'rollback', {wait: options.wait}, async (op) => {
    await bootProxy(op)
    const {record} = await reconcileApp(op, await installedRecord(engine.store, app))
    const current = record.current!
    const target = rollbackTarget(record, options.to)
    const {raw} = loadInstalledRecipe(engine.recipeRoots, record)
    const recipe = renderFor(app, raw, record.inputs, await engine.store.readSecrets(app), target)
    const {next, stillRunning, heldMs} = await strategyFor(recipe).rollback(op, {recipe, current, target})
    const updated = promote(record, next)
    await engine.store.write(updated)
    if (stillRunning) await retireRelease(op, stillRunning)
    return {app, from: current, to: updated.current, timings: op.timings, ...(heldMs === undefined ? {} : {heldMs})}
  })
}
