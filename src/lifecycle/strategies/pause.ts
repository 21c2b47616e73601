import type {Recipe} from '../../recipes/schema.js'
import type {ReleaseRecord} from '../../state/store.js'
import type {Operation} from '../operation.js'
import {dockerActions, type StrategyActions} from '../strategy-actions.js'
import {notDeployedError, type Strategy, type Switched} from '../strategy.js'

/**
 * `strategy: pause`, for apps that cannot run two versions at once (an embedded database, a
 * single-writer job queue): kamal-proxy `pause` (requests are held, not refused) → stop the serving
 * container → start the next one → (an update's) preSwitch hooks → deploy (health check, switch) →
 * `resume`. A failure before the switch removes the next release, starts the old one again, deploys
 * it back and resumes: users see a delay, not an error. With nothing serving (install) nothing is held.
 */
export function pauseStrategy(actions: StrategyActions = dockerActions): Strategy {
  return {
    name: 'pause',

    async deploy(op, plan) {
      const previous = plan.record.current
      if (previous) await actions.ensureImagePulled(op, plan.recipe, plan.release)
      return switchWithPause(actions, op, plan.recipe, previous, plan.release.version, {
        bringUp: () => actions.start(op, plan.recipe, plan.release),
        beforeSwitch: (next) => actions.preSwitch(op, plan, next),
        takeDown: (next) => actions.discard(op, next).catch(() => ''),
      })
    },

    /** The kept release must not run beside the serving one either: the same hold, without hooks. */
    async rollback(op, {recipe, current, target}) {
      // Users wait while the serving version is down: a missing release must be found out before that.
      await actions.ensureOnHost(op, target)
      return switchWithPause(actions, op, recipe, current, target.version, {
        bringUp: async () => {
          await actions.revive(op, recipe, target)
          return target
        },
        takeDown: async () => {
          await actions.stopQuietly(op, target)
          return ''
        },
      })
    },
  }
}

export const pause = pauseStrategy()

interface PauseSteps {
  bringUp: () => Promise<ReleaseRecord>
  beforeSwitch?: (next: ReleaseRecord) => Promise<void>
  /** Removes (or stops) the next release after a failure; returns its last log lines. */
  takeDown: (next: ReleaseRecord) => Promise<string>
}

/**
 * hold → stop `previous` → bring up the next release → beforeSwitch → switch → resume. On failure
 * before the switch, the next release is taken down and `previous` serves again (revert).
 */
async function switchWithPause(
  actions: StrategyActions,
  op: Operation,
  recipe: Recipe,
  previous: ReleaseRecord | undefined,
  version: string,
  steps: PauseSteps,
): Promise<Switched> {
  const holdStarted = performance.now()
  const hold = previous ? await actions.hold(op, recipe, previous) : {}
  let next: ReleaseRecord | undefined
  try {
    if (previous) await actions.stop(op, previous)
    next = await steps.bringUp()
    await steps.beforeSwitch?.(next)
    await actions.switchTo(op, recipe, next)
  } catch (error) {
    const logs = next ? await steps.takeDown(next) : ''
    if (!previous) throw notDeployedError(error, version, undefined, logs)
    const problems = await actions.revert(op, recipe, previous, hold)
    const serving =
      problems.length === 0
        ? `${previous.version} serves again: requests were held during the attempt, not refused.`
        : `Going back to ${previous.version} had problems: ${problems.join('; ')}. See "discode status".`
    throw notDeployedError(error, version, serving, logs)
  }
  await actions.resume(op, recipe, next, hold)
  return hold.route ? {next, heldMs: Math.round(performance.now() - holdStarted)} : {next}
}
