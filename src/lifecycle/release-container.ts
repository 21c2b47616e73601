import {
  containerLogText,
  createContainer,
  inspectContainer,
  inspectImage,
  listContainers,
  removeContainer,
  startContainer,
} from '../docker/docker.js'
import {DiscodeError} from '../errors.js'
import type {Recipe} from '../recipes/schema.js'
import type {ReleaseRecord} from '../state/store.js'
import {settleAppNetwork} from './app-network.js'
import {appContainerSpec, type ReleaseImage, releaseLabels} from './container-spec.js'
import {claimFor, claimVolume, operationClaim, removeOwnedContainer} from './claim.js'
import {LABELS, releaseContainerName, releaseKey, VOLUME_LABEL} from '../names/names.js'
import {stopSourceLabel} from './stop-policy.js'
import {type Operation, step} from './operation.js'
import {stopRelease} from './stop.js'
import {RemovedReleaseError} from './strategy.js'

/** The steps that create, start, stop and remove the container of one release. */

/** Lines of a failed release's log shown to the user. */
export const FAILURE_LOG_LINES = 20

/** Creates the app's network (the proxy and accessories on it) and named volumes if they do not exist yet. */
export async function ensureAppResources(op: Operation, recipe: Recipe): Promise<void> {
  await settleAppNetwork(op)
  const claim = await operationClaim(op)
  for (const volume of recipe.volumes) await claimVolume(claim, `${op.app}-${volume.name}`, {[VOLUME_LABEL]: volume.name})
}

async function createReleaseContainer(op: Operation, recipe: Recipe, release: ReleaseImage & {key: string}, name: string): Promise<void> {
  const spec = appContainerSpec(op.engine.settings.network, op.app, recipe, release, name)
  await createContainer(op.engine.docker, {...spec, labels: {...releaseLabels(op.app, release), ...stopSourceLabel(spec.stop!)}})
}

/** Starts the release's container beside whatever serves now. */
export async function startRelease(op: Operation, recipe: Recipe, release: ReleaseImage): Promise<ReleaseRecord> {
  const key = releaseKey(release.version, release.imageId)
  const container = releaseContainerName(op.app, key)
  return step(op, 'start', `Starting ${container} (${release.version})`, async () => {
    await ensureAppResources(op, recipe)
    // A container of this name is a leftover of an interrupted run: never the serving one (callers check).
    await removeOwnedContainer(claimFor(op.engine.docker, op.app, undefined), container)
    await createReleaseContainer(op, recipe, {...release, key}, container)
    // A start Docker refuses (a port or mount error) leaves a "created" container: it goes, its logs
    // kept. Should Docker refuse that too, the start's error is the one told (reconcile clears it later).
    await startContainer(op.engine.docker, container).catch(async (error: unknown) => {
      throw new RemovedReleaseError(error, await discardRelease(op, {container}).catch(() => ''))
    })
    return {version: release.version, image: release.image, imageId: release.imageId, key, container}
  })
}

/** Stops a container that no longer serves; it stays on the host for a fast rollback. */
export async function retireRelease(op: Operation, release: ReleaseRecord): Promise<void> {
  await step(op, 'retire', `Stopping ${release.container} (${release.version})`, () => stopRelease(op, release))
}

/** Removes a release that never took traffic; returns its last log lines, kept for the error message. */
export async function discardRelease(op: Operation, release: {container: string}): Promise<string> {
  const logs = await containerLogText(op.engine.docker, release.container, {tail: FAILURE_LOG_LINES}).catch(() => '')
  await removeContainer(op.engine.docker, release.container)
  return logs
}

/** What is left on the host of a kept release: its container, or only its image; neither is an error. */
export async function releaseOnHost(op: Operation, release: ReleaseRecord): Promise<'container' | 'image'> {
  if (await inspectContainer(op.engine.docker, release.container)) return 'container'
  if (await inspectImage(op.engine.docker, release.imageId)) return 'image'
  throw new DiscodeError(`Release ${release.version} of ${op.app} is no longer on this host`, {
    hint: `Install it again with "discode update ${op.app} --to ${release.version}"`,
    code: 'RELEASE_GONE',
  })
}

/** Brings a kept release's container back (recreating it from its image if it was removed). */
export async function reviveRelease(op: Operation, recipe: Recipe, release: ReleaseRecord): Promise<void> {
  await step(op, 'start', `Starting ${release.container} (${release.version})`, async () => {
    // A kept container an older discode left on the shared network moves to the app's first.
    if ((await releaseOnHost(op, release)) === 'image') {
      await ensureAppResources(op, recipe)
      await createReleaseContainer(op, recipe, release, release.container)
    } else await settleAppNetwork(op)
    await startContainer(op.engine.docker, release.container)
  })
}

/** Every container discode made for the app: releases, one-off hook runs and accessories. */
export async function appContainers(op: Pick<Operation, 'engine' | 'app'>) {
  return listContainers(op.engine.docker, [`${LABELS.app}=${op.app}`])
}
