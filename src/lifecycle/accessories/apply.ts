import {
  type ContainerInfo,
  containerName,
  createContainer,
  inspectContainer,
  inspectImage,
  listContainers,
  pullImage,
  credentialsFor,
  removeContainer,
  renameContainer,
  startContainer,
  stopContainer,
} from '../../docker/docker.js'
import {DiscodeError} from '../../errors.js'
import type {Recipe} from '../../recipes/schema.js'
import {stopSettings} from '../stop-policy.js'
import {claimFor, claimVolume, operationClaim, removeOwnedContainer} from '../claim.js'
import {LABELS, VOLUME_LABEL} from '../../names/names.js'
import {type Operation, step} from '../operation.js'
import {settleAppNetwork} from '../app-network.js'
import {waitHealthy} from './health.js'
import {type PlannedAccessory, planAccessories} from './plan.js'
import {ACCESSORY_LABELS, accessoryContainerName, accessorySpec, accessoryVolumeName, previousName} from './spec.js'

export interface AccessoryReport {
  name: string
  container: string
  image: string
  /**
   * unchanged: left alone; started: an existing stopped container was started; created: it did not
   * exist; replaced: its definition changed and --accessories was given; removed: no longer in the
   * recipe and --accessories was given.
   */
  action: 'unchanged' | 'started' | 'created' | 'replaced' | 'removed'
  /** For `replaced`: milliseconds from stopping the old container until the new one was healthy. */
  downtimeMs?: number
}

export class AccessoryChangedError extends DiscodeError {}

type Credentials = {username: string; password: string}

/**
 * Brings the app's accessories to what the rendered recipe says, before the app (re)starts: carries
 * out planAccessories. A running one whose definition changed is replaced only with `replace` (stop,
 * start the new one on the same volumes, wait healthy; the old container is restored if the new one
 * fails); without it nothing is touched and the error says how to go on. Images are pulled first.
 */
export async function ensureAccessories(
  op: Operation,
  recipe: Recipe,
  options: {replace: boolean; credentials?: Credentials; existing?: ContainerInfo[]},
): Promise<AccessoryReport[]> {
  const {app} = op
  const existing = options.existing ?? (await listContainers(op.engine.docker, [`${LABELS.app}=${app}`, ACCESSORY_LABELS.accessory]))
  if (Object.keys(recipe.accessories).length === 0 && existing.length === 0) return []
  const {planned, orphans} = planAccessories(app, recipe.accessories, existing)

  // New accessories are created on the app's network: it exists (and older ones are on it) first.
  await settleAppNetwork(op)
  await step(op, 'accessories', `Checking the accessories of ${app}`, async () => {
    const changed = planned.filter((p) => p.action === 'replace')
    if (changed.length > 0 && !options.replace) throw accessoryChangedError(app, changed)
    for (const p of planned) await prepare(op, recipe, p, options.credentials)
  })
  const reports: AccessoryReport[] = []
  for (const p of planned) reports.push(await applyAccessory(op, p))

  // Accessories the recipe no longer has: their data may matter, so only --accessories removes them.
  for (const {name, container: orphan} of orphans) {
    const container = containerName(orphan)
    const primary = container === accessoryContainerName(app, name)
    if (!options.replace) {
      if (primary) {
        op.reporter.warn(
          `The accessory ${name} (${container}) is no longer in the recipe; it is left running. "discode update ${app} --accessories" removes it (its volumes are kept)`,
        )
      }
      continue
    }
    await step(op, 'accessories', `Removing ${container}, no longer in the recipe (its volumes are kept)`, async () => {
      await stopContainer(op.engine.docker, container)
      await removeContainer(op.engine.docker, container)
    })
    if (primary) reports.push({name, container, image: orphan.Image, action: 'removed'})
  }
  return reports
}

/** Before anything is stopped: an interrupted replacement restored, a name conflict refused, images pulled. */
async function prepare(op: Operation, recipe: Recipe, p: PlannedAccessory, credentials?: Credentials): Promise<void> {
  const {docker} = op.engine
  if (p.restoreFromPrevious) {
    op.reporter.warn(`Restoring ${p.container} from ${previousName(op.app, p.name)}, left by an interrupted replacement`)
    await renameContainer(docker, previousName(op.app, p.name), p.container)
  }
  if (p.action === 'create' && (await inspectContainer(docker, p.container))) {
    throw new DiscodeError(`A container named ${p.container} exists but is not the accessory ${p.name} of ${op.app}`, {
      hint: `Rename or remove it ("docker rm -f ${p.container}") and run the command again`,
      code: 'NAME_TAKEN',
    })
  }
  if ((p.action === 'create' || p.action === 'replace') && !(await inspectImage(docker, p.accessory.image))) {
    op.reporter.info(`Pulling ${p.accessory.image} for the accessory ${p.name}`)
    // The app's registry credentials go to that registry only (never, say, to Docker Hub).
    const auth = credentialsFor(p.accessory.image, recipe.image, credentials)
    await pullImage(docker, p.accessory.image, {auth, onProgress: (progress) => op.reporter.pullProgress(p.accessory.image, progress)})
  }
}

function accessoryChangedError(app: string, changed: PlannedAccessory[]): AccessoryChangedError {
  const names = changed.map((p) => p.name).join(', ')
  const plural = changed.length > 1
  const what = changed
    .map((p) => {
      const change =
        p.current?.Image === p.accessory.image
          ? 'env, volumes, command, port or health changed'
          : `image ${p.current?.Image} → ${p.accessory.image}`
      return plural ? `${p.name}: ${change}` : change
    })
    .join('; ')
  return new AccessoryChangedError(
    `The recipe changes the accessor${plural ? 'ies' : 'y'} ${names} of ${app} (${what}): nothing was changed`,
    {
      hint: `An update never replaces a running accessory on its own. Run "discode update ${app} --accessories" to replace ${plural ? 'them' : 'it'}: ${plural ? 'each is' : 'it is'} stopped, started again from the new definition on the same volumes, and down until healthy`,
      code: 'ACCESSORY_CHANGED',
    },
  )
}

async function applyAccessory(op: Operation, p: PlannedAccessory): Promise<AccessoryReport> {
  const report = (action: AccessoryReport['action'], downtimeMs?: number): AccessoryReport => ({
    name: p.name,
    container: p.container,
    image: p.accessory.image,
    action,
    ...(downtimeMs === undefined ? {} : {downtimeMs}),
  })
  const {docker} = op.engine
  const stale = previousName(op.app, p.name)
  const who = {app: op.app, name: p.name, container: p.container}
  switch (p.action) {
    case 'keep':
      await removeOwnedContainer(claimFor(docker, op.app, undefined), stale)
      return report('unchanged')
    case 'start':
      await step(op, 'accessories', `Starting ${p.container} and waiting until it is healthy`, async () => {
        await startContainer(docker, p.container)
        await waitHealthy(op.engine, who, p.accessory)
        await removeOwnedContainer(claimFor(docker, op.app, undefined), stale)
      })
      return report('started')
    case 'create':
      await step(op, 'accessories', `Starting ${p.container} (${p.accessory.image}) and waiting until it is healthy`, () =>
        createAndWait(op, p),
      )
      return report('created')
    case 'replace':
      return report('replaced', await replaceAccessory(op, p))
  }
}

/** Stop, keep the old container aside, start the new one on the same volumes; returns the downtime. */
async function replaceAccessory(op: Operation, p: PlannedAccessory): Promise<number> {
  const {docker} = op.engine
  const stale = previousName(op.app, p.name)
  let downtimeMs = 0
  await step(
    op,
    'accessories',
    `Replacing ${p.container} (${p.accessory.image}): stopping it, then waiting until the new one is healthy`,
    async () => {
      const started = performance.now()
      await stopContainer(docker, p.container, stopSettings(p.accessory.stop, 'accessory').timeoutSeconds)
      await removeOwnedContainer(claimFor(docker, op.app, undefined), stale)
      await renameContainer(docker, p.container, stale)
      try {
        await createAndWait(op, p)
      } catch (error) {
        await restorePrevious(op, p, stale)
        const reason = error instanceof Error ? error.message : String(error)
        throw new DiscodeError(`${reason}; the previous ${p.container} runs again`, {
          hint: (error as DiscodeError).hint,
          code: 'ACCESSORY_UNHEALTHY',
          cause: error,
        })
      }
      downtimeMs = Math.round(performance.now() - started)
      await removeOwnedContainer(claimFor(docker, op.app, undefined), stale)
    },
  )
  return downtimeMs
}

async function createAndWait(op: Operation, p: PlannedAccessory): Promise<void> {
  const {docker} = op.engine
  const claim = await operationClaim(op)
  for (const volume of p.accessory.volumes) {
    await claimVolume(claim, accessoryVolumeName(op.app, p.name, volume.name), {
      [ACCESSORY_LABELS.accessory]: p.name,
      [VOLUME_LABEL]: volume.name,
    })
  }
  // A container of this name here is a leftover of an interrupted run (a running one was renamed).
  await removeOwnedContainer(claim, p.container)
  await createContainer(docker, accessorySpec(op.engine.settings.network, op.app, p.name, p.accessory))
  await startContainer(docker, p.container)
  await waitHealthy(op.engine, {app: op.app, name: p.name, container: p.container}, p.accessory)
}

/** The replacement failed: its logs were kept for the error; the previous container comes back. */
async function restorePrevious(op: Operation, p: PlannedAccessory, stale: string): Promise<void> {
  const {docker} = op.engine
  await stopContainer(docker, p.container, stopSettings(p.accessory.stop, 'accessory').timeoutSeconds).catch(() => {})
  await removeContainer(docker, p.container)
  await renameContainer(docker, stale, p.container)
  await startContainer(docker, p.container)
  // The previous definition's health check is the one on the restored container's labels.
  await waitHealthy(op.engine, {app: op.app, name: p.name, container: p.container}, undefined).catch((error: Error) =>
    op.reporter.warn(`The previous ${p.container} was started again but is not healthy yet: ${error.message}`),
  )
}
