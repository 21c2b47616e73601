import {inspectImage, stopContainer} from '../docker/docker.js'
import {DiscodeError} from '../errors.js'
import {deployArgs} from '../proxy/deploy-args.js'
import {parseDuration} from '../recipes/duration.js'
import type {Recipe} from '../recipes/schema.js'
import type {ReleaseRecord} from '../state/store.js'
import type {ReleaseImage} from './container-spec.js'
import {type Hold, holdRequests, resumeRoute, revertHold} from './held-route.js'
import {type HookRunner, runInRelease, runPluginHooks, runRecipeHooks} from './hooks.js'
import {type Operation, step} from './operation.js'
import {stopRelease} from './stop.js'
import {switchTraffic} from './proxy-steps.js'
import {discardRelease, releaseOnHost, reviveRelease, startRelease} from './release-container.js'
import type {DeployPlan} from './strategy.js'

/**
 * What strategies do to Docker and the proxy, named by what it means to a deploy. Strategies only
 * decide the order and the way back; these carry it out. Unit tests give a strategy a recording fake
 * of this interface (the remote side stubbed) to check every path without Docker.
 */
export interface StrategyActions {
  /** Step `start`: the new release's container beside whatever serves. */
  start(op: Operation, recipe: Recipe, release: ReleaseImage): Promise<ReleaseRecord>
  /** Step `start`: a kept release's container again (recreated from its image if it was removed). */
  revive(op: Operation, recipe: Recipe, release: ReleaseRecord): Promise<void>
  /** Step `hooks`: the recipe's preSwitch hooks, then the plugin's pre-install or pre-switch hooks. */
  preSwitch(op: Operation, plan: DeployPlan, next: ReleaseRecord): Promise<void>
  /** Step `switch`: the proxy health-checks `release` and moves the traffic to it. */
  switchTo(op: Operation, recipe: Recipe, release: ReleaseRecord): Promise<void>
  /** Removes a release that never took traffic; returns its last log lines. */
  discard(op: Operation, release: ReleaseRecord): Promise<string>
  /** Step `stop`: stops the serving release while its requests are held. */
  stop(op: Operation, release: ReleaseRecord): Promise<void>
  /** Stops a release that failed to take over, ignoring errors (it is on its way out). */
  stopQuietly(op: Operation, release: ReleaseRecord): Promise<void>
  /** Fails before anything is held when the release cannot be brought up quickly (not on this host). */
  ensureOnHost(op: Operation, release: ReleaseRecord): Promise<void>
  ensureImagePulled(op: Operation, recipe: Recipe, release: ReleaseImage): Promise<void>
  /** Step `pause`: new requests wait in the proxy. */
  hold(op: Operation, recipe: Recipe, serving: ReleaseRecord): Promise<Hold>
  /** Step `resume`: the held requests go to `next`. */
  resume(op: Operation, recipe: Recipe, next: ReleaseRecord, hold: Hold): Promise<void>
  /** Step `revert`: `previous` serves again and the hold ends; returns what went wrong on the way. */
  revert(op: Operation, recipe: Recipe, previous: ReleaseRecord, hold: Hold): Promise<string[]>
}

export const dockerActions: StrategyActions = {
  start: startRelease,
  revive: reviveRelease,
  preSwitch: (op, plan, next) => runPreSwitchHooks(op, plan, next, runInRelease),
  switchTo: switchTraffic,
  discard: discardRelease,
  async stop(op, release) {
    await step(op, 'stop', `Stopping ${release.container} (${release.version})`, () => stopRelease(op, release))
  },
  async stopQuietly(op, release) {
    await stopContainer(op.engine.docker, release.container).catch(() => {})
  },
  async ensureOnHost(op, release) {
    await releaseOnHost(op, release)
  },
  ensureImagePulled,
  hold: holdRequests,
  async resume(op, recipe, next, hold) {
    if (hold.route) await resumeRoute(op, deployArgs(op.app, recipe, `${next.container}:${recipe.port}`), hold.pausedOn)
  },
  revert: revertHold,
}

/** The recipe's preSwitch hooks (run by `run`), then the plugin's pre-install or pre-switch hooks. */
export async function runPreSwitchHooks(
  op: Operation,
  {recipe, kind, record}: DeployPlan,
  next: ReleaseRecord,
  run: HookRunner,
): Promise<void> {
  await runRecipeHooks(op, 'preSwitch', recipe, next, run)
  await runPluginHooks(op, kind === 'install' ? 'discode:pre-install' : 'discode:pre-switch', recipe, next, record.current, record.inputs)
}

/** Users wait while the old version is down: a pull must never happen in that window. */
async function ensureImagePulled(op: Operation, recipe: Recipe, release: ReleaseImage): Promise<void> {
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
