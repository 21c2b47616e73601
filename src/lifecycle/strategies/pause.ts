import {inspectImage, stopContainer} from '../../docker/docker.js'
import {DiscodeError} from '../../errors.js'
import {deployArgs} from '../../proxy/deploy-args.js'
import {parseDuration} from '../../recipes/duration.js'
import type {Recipe} from '../../recipes/schema.js'
import type {ReleaseRecord} from '../../state/store.js'
import {holdRequests, resumeRoute, revertHold} from '../held-route.js'
import {runPluginHooks, runRecipeHooks} from '../hooks.js'
import {type Operation, step} from '../operation.js'
import {switchTraffic} from '../proxy-steps.js'
import {discardRelease, releaseOnHost, reviveRelease, startRelease} from '../release-container.js'
import {notDeployedError, type Strategy} from '../strategy.js'

/**
 * `strategy: pause`, for apps that cannot run two versions at once (an embedded database, a
 * single-writer job queue): kamal-proxy `pause` (requests are held, not refused) → stop the serving
 * container → start the next one → (an update's) preSwitch hooks → deploy (health check, switch) →
 * `resume`. A failure before the switch removes the next release, starts the old one again, deploys
 * it back and resumes: users see a delay, not an error. With nothing serving (install) nothing is held.
 */
export const pause: Strategy = {
  name: 'pause',

  async deploy(op, {record, recipe, release, kind}) {
    const previous = record.current
    if (previous) await assertReadyToHold(op, recipe, release)
    const next = await switchWithPause(op, recipe, previous, release.version, {
      bringUp: () => startRelease(op, recipe, release),
      beforeSwitch: async (next) => {
        await runRecipeHooks(op, 'preSwitch', recipe, next)
        await runPluginHooks(op, kind === 'install' ? 'discode:pre-install' : 'discode:pre-switch', recipe, next, previous)
      },
      takeDown: (next) => discardRelease(op, next).catch(() => ''),
    })
    return {next}
  },

  /** The kept release must not run beside the serving one either: the same hold, without hooks. */
  async rollback(op, {recipe, current, target}) {
    // Users wait while the serving version is down: a missing release must be found out before that.
    await releaseOnHost(op, target)
    const next = await switchWithPause(op, recipe, current, target.version, {
      bringUp: async () => {
        await reviveRelease(op, recipe, target)
        return target
      },
      takeDown: async () => {
        await stopContainer(op.engine.docker, target.container).catch(() => {})
        return ''
      },
    })
    return {next}
  },
}

/** Users wait while the old version is down: a pull must never happen in that window. */
async function assertReadyToHold(op: Operation, recipe: Recipe, release: {version: string; image: string; imageId: string}) {
  if (!(await inspectImage(op.engine.docker, release.imageId))) {
    throw new DiscodeError(`The image of ${release.version} (${release.image}) is not on this host`, {
      hint: 'The pause strategy stops the running version before starting the new one, so the image must be pulled first ("discode update" does)',
      code: 'IMAGE_NOT_PULLED',
    })
  }
  const maxPause = recipe.pause.maxPause
  if ((parseDuration(recipe.health.deployTimeout) ?? 0) >= (parseDuration(maxPause) ?? Infinity)) {
    op.reporter.warn(
      `health.deployTimeout (${recipe.health.deployTimeout}) is not below pause.maxPause (${maxPause}): a slow start answers held requests with 504`,
    )
  }
}

interface PauseSteps {
  bringUp: () => Promise<ReleaseRecord>
  beforeSwitch?: (next: ReleaseRecord) => Promise<void>
  /** Removes (or stops) the next release after a failure; returns its last log lines. */
  takeDown: (next: ReleaseRecord) => Promise<string>
}

/**
 * pause → stop `previous` → bring up the next release → beforeSwitch → deploy → resume. On failure
 * before the switch, the next release is taken down and `previous` serves again (see revertHold).
 */
async function switchWithPause(
  op: Operation,
  recipe: Recipe,
  previous: ReleaseRecord | undefined,
  version: string,
  steps: PauseSteps,
): Promise<ReleaseRecord> {
  const hold = previous ? await holdRequests(op, recipe, previous) : {}
  let next: ReleaseRecord | undefined
  try {
    if (previous) {
      await step(op, 'stop', `Stopping ${previous.container} (${previous.version})`, () =>
        stopContainer(op.engine.docker, previous.container),
      )
    }
    next = await steps.bringUp()
    await steps.beforeSwitch?.(next)
    await switchTraffic(op, recipe, next)
  } catch (error) {
    const logs = next ? await steps.takeDown(next) : ''
    if (!previous) throw notDeployedError(error, version, undefined, logs)
    const problems = await revertHold(op, recipe, previous, hold)
    const serving =
      problems.length === 0
        ? `${previous.version} serves again: requests were held during the attempt, not refused.`
        : `Going back to ${previous.version} had problems: ${problems.join('; ')}. See "discode status".`
    throw notDeployedError(error, version, serving, logs)
  }
  if (hold.route) await resumeRoute(op, deployArgs(op.app, recipe, `${next.container}:${recipe.port}`), hold.pausedOn)
  return next
}
