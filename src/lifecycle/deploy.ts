import {DiscodeError} from '../errors.js'
import type {Recipe} from '../recipes/schema.js'
import type {AppRecord, ReleaseRecord} from '../state/store.js'
import type {AccessoryReport} from './accessories.js'
import {type Engine, step, type Timings} from './context.js'
import {discardRelease, pruneReleases, retireRelease, runPluginHooks, runRecipeHooks, startRelease, switchTraffic} from './steps.js'

export interface DeployResult {
  from?: ReleaseRecord
  to: ReleaseRecord
  /** Milliseconds per step (pull, start, hooks, switch, retire, cleanup, ...). */
  timings: Timings
  /** What install and update did to the recipe's accessories (see accessories.ts). */
  accessories?: AccessoryReport[]
}

export type SourcedRecipe = Recipe & {source: string}

export async function bootProxy(engine: Engine, timings: Timings): Promise<void> {
  await step(engine, timings, 'proxy', 'Checking the proxy', async () => {
    const done = await engine.proxy.boot({onPull: (p) => engine.reporter.pullProgress(engine.settings.proxyImage, p)})
    if (done !== 'running') engine.reporter.info(`Proxy ${engine.proxy.containerName} ${done} (${engine.settings.proxyImage})`)
  })
}

/**
 * The blue-green deploy shared by install and update. Order (documented in the README):
 * start the new container beside the old one → recipe preSwitch hooks → plugin pre-install or
 * pre-switch hooks → kamal-proxy deploy (health check, atomic switch, drain) → record → stop the old
 * container → prune → recipe postSwitch hooks → plugin post-install or post-switch hooks.
 * A failure before the switch removes the new container and leaves the old one serving.
 */
export async function deployRelease(
  engine: Engine,
  timings: Timings,
  record: AppRecord,
  recipe: SourcedRecipe,
  release: {version: string; image: string; imageId: string},
  options: {install: boolean},
): Promise<DeployResult> {
  const app = record.app
  const previous = record.current
  const next = await startRelease(engine, timings, app, recipe, release)
  try {
    await runRecipeHooks(engine, timings, 'preSwitch', app, recipe, next)
    await runPluginHooks(engine, timings, options.install ? 'discode:pre-install' : 'discode:pre-switch', app, recipe, next, previous)
    await switchTraffic(engine, timings, app, recipe, next)
  } catch (error) {
    const logs = await discardRelease(engine, next)
    throw notDeployedError(error, next.version, previous && `${previous.version} keeps serving; nothing was changed.`, logs)
  }

  return finishDeploy(engine, timings, record, recipe, next, {...options, retire: true})
}

/**
 * What follows a successful switch, for every strategy: record the new release (the old one becomes
 * the newest previous), stop the old container (`retire`; the pause strategy already stopped it),
 * prune old releases, then the recipe's postSwitch and the plugin's post-* hooks. A post hook that
 * fails is reported, but the new release stays: traffic has already moved.
 */
export async function finishDeploy(
  engine: Engine,
  timings: Timings,
  record: AppRecord,
  recipe: SourcedRecipe,
  next: ReleaseRecord,
  options: {install: boolean; retire: boolean},
): Promise<DeployResult> {
  const app = record.app
  const previous = record.current
  let updated: AppRecord = {
    ...record,
    accessories: Object.keys(recipe.accessories),
    current: {...next, deployedAt: new Date().toISOString()},
    previous: [...(previous ? [previous] : []), ...record.previous].filter((r) => r.container !== next.container),
  }
  await engine.store.write(updated)
  if (previous && options.retire) await retireRelease(engine, timings, previous)
  const pruned = await pruneReleases(engine, timings, updated)
  if (pruned !== updated) await engine.store.write((updated = pruned))

  try {
    await runRecipeHooks(engine, timings, 'postSwitch', app, recipe, next)
    await runPluginHooks(engine, timings, options.install ? 'discode:post-install' : 'discode:post-switch', app, recipe, next, previous)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new DiscodeError(`${app} now runs ${next.version}, but a post-switch hook failed: ${reason}`, {
      hint: (error as DiscodeError).hint ?? `Roll back with "discode rollback ${app}" if the app misbehaves`,
      code: 'POST_HOOK_FAILED',
    })
  }
  return {from: previous, to: updated.current!, timings}
}

/**
 * Why a release never took traffic, for every strategy: the reason, then `serving` (what users get
 * now), the cause's own hint and the failed release's last log lines.
 */
export function notDeployedError(error: unknown, version: string, serving: string | undefined, logs: string): DiscodeError {
  const reason = error instanceof Error ? error.message : String(error)
  const hints = [
    serving,
    (error as DiscodeError).hint,
    logs.trim()
      ? `Last log lines of the failed release:\n${logs
          .trim()
          .split('\n')
          .map((l) => `  | ${l}`)
          .join('\n')}`
      : undefined,
  ].filter(Boolean)
  return new DiscodeError(`${version} was not deployed: ${reason}`, {
    hint: hints.join('\n'),
    code: (error as DiscodeError).code ?? 'DEPLOY_FAILED',
    cause: error,
  })
}
