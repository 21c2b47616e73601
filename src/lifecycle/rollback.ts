import {stopContainer} from '../docker/docker.js'
import type {AppRecord} from '../state/store.js'
import type {Engine} from './context.js'
import {bootProxy, type DeployResult} from './deploy.js'
import {pauseRollback} from './pause.js'
import {runOperation} from './operation.js'
import {reconcileApp} from './reconcile.js'
import {loadInstalledRecipe, renderFor, retireRelease, reviveRelease, switchTraffic} from './steps.js'
import {installedRecord, noPreviousReleaseError} from './update.js'

/**
 * rollback: start a release kept on the host (the previous one, or `to`), switch traffic to it through
 * the same health-checked proxy deploy, stop the one that served. Hooks do not run: migrations are
 * not reversible in general, and the kept release ran against this data before. With the pause
 * strategy the serving release stops first while the proxy holds requests (see pauseRollback).
 */
export async function rollback(engine: Engine, options: {app: string; to?: string; wait?: boolean}): Promise<DeployResult & {app: string}> {
  const {app} = options
  await installedRecord(engine, app)
  return runOperation(engine, app, 'rollback', {wait: options.wait}, async (engine, timings) => {
    await bootProxy(engine, timings)
    const {record} = await reconcileApp(engine, timings, await installedRecord(engine, app))
    const current = record.current!
    const target = options.to ? record.previous.find((r) => r.version === options.to) : record.previous[0]
    if (!target) throw noPreviousReleaseError(app, options.to)
    const {raw} = loadInstalledRecipe(engine, record)
    const recipe = renderFor(app, raw, record.inputs, await engine.store.readSecrets(app), target)
    const pause = recipe.strategy === 'pause'
    if (pause) {
      // An app that cannot run two versions at once cannot run them for a rollback either.
      await pauseRollback(engine, timings, app, recipe, current, target)
    } else {
      await reviveRelease(engine, timings, app, recipe, target)
      try {
        await switchTraffic(engine, timings, app, recipe, target)
      } catch (error) {
        await stopContainer(engine.docker, target.container)
        throw error
      }
    }
    const updated: AppRecord = {
      ...record,
      current: {...target, deployedAt: new Date().toISOString()},
      previous: [current, ...record.previous.filter((r) => r.container !== target.container)],
    }
    await engine.store.write(updated)
    // The pause strategy stopped it before the switch.
    if (!pause) await retireRelease(engine, timings, current)
    return {app, from: current, to: updated.current!, timings}
  })
}
