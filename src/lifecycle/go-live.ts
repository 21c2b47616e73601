import {DiscodeError} from '../errors.js'
import type {AppRecord, ReleaseRecord} from '../state/store.js'
import type {AccessoryReport} from './accessories/apply.js'
import {settleAppNetwork} from './app-network.js'
import {promote} from './history.js'
import {runPluginHooks, runRecipeHooks} from './hooks.js'
import type {Operation, Timings} from './operation.js'
import {followWeb} from './processes/follow.js'
import {pruneReleases} from './prune.js'
import type {DeployPlan} from './strategy.js'

export interface DeployResult {
  from?: ReleaseRecord
  to: ReleaseRecord
  /** Milliseconds per step (pull, start, hooks, switch, retire, cleanup, ...). */
  timings: Timings
  /** What install and update did to the recipe's accessories. */
  accessories?: AccessoryReport[]
  /** Milliseconds the proxy held requests during the switch (pause strategy). */
  heldMs?: number
}

/**
 * Takes a pulled release live with the recipe's strategy, then, for every strategy: record it (the
 * old one becomes the newest previous), retire the old container if it still runs, prune old
 * releases, run the recipe's postSwitch and the plugin's post-* hooks. A post hook that fails is
 * reported, but the new release stays: traffic has already moved.
 */
export async function goLive(op: Operation, plan: DeployPlan): Promise<DeployResult> {
  const {recipe, kind} = plan
  const previous = plan.record.current
  const runtime = await op.engine.runtimeFor(plan.record)
  const switched = await runtime.strategy(recipe).deploy(op, plan)
  const {stillRunning, heldMs} = switched
  // The recipe's processes follow the web (a failure switches the web back); see processes/follow.ts.
  const next = await followWeb(op, {recipe, runtime, next: switched.next, left: previous, kind: 'update'})
  let record: AppRecord = {...promote(plan.record, next), accessories: Object.keys(recipe.accessories)}
  await op.engine.store.write(record)
  if (stillRunning) await runtime.retire(op, stillRunning)
  // The old release is stopped: an app moving off the shared network finishes its move.
  await settleAppNetwork(op)
  record = await pruneReleases(op, record)

  try {
    await runRecipeHooks(op, 'postSwitch', recipe, next, runtime.runHook)
    await runPluginHooks(
      op,
      kind === 'install' ? 'discode:post-install' : 'discode:post-switch',
      recipe,
      next,
      previous,
      plan.record.inputs,
    )
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new DiscodeError(`${op.app} now runs ${next.version}, but a post-switch hook failed: ${reason}`, {
      hint: (error as DiscodeError).hint ?? `Roll back with "discode rollback ${op.app}" if the app misbehaves`,
      code: 'POST_HOOK_FAILED',
    })
  }
  return {from: previous, to: record.current!, timings: op.timings, ...(heldMs === undefined ? {} : {heldMs})}
}
