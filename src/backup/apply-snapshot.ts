import {containerName, removeContainer, stopContainer} from '../docker/docker.js'
import {DiscodeError} from '../errors.js'
import {ensureAccessories} from '../lifecycle/accessories/apply.js'
import {ACCESSORY_LABELS, accessoryContainerName, accessoryVolumeName} from '../lifecycle/accessories/spec.js'
import {
  assertContainerOwned,
  assertVolumeOwned,
  claimFor,
  claimVolume,
  removeOwnedContainer,
  removeOwnedVolume,
} from '../lifecycle/claim.js'
import {LABELS, VOLUME_LABEL} from '../names/names.js'
import {type Operation, step} from '../lifecycle/operation.js'
import {PROCESS_LABELS} from '../lifecycle/processes/plan.js'
import {hasProcesses, moveProcesses, stopProcesses} from '../lifecycle/processes/move.js'
import {appContainers, reviveRelease} from '../lifecycle/release-container.js'
import {deployArgs} from '../proxy/deploy-args.js'
import type {RestoreFacts} from '../lifecycle/backups.js'
import type {Engine} from '../lifecycle/context.js'
import {loadInstalledRecipe, registryCredentials, renderFor} from '../recipes/installed.js'
import type {Recipe} from '../recipes/schema.js'
import type {AppRecord, SecretsRecord} from '../state/store.js'
import {runRestore} from './accessory-exec.js'
import {holdRequests} from './hold.js'
import type {ManifestPart} from './manifest.js'
import {restoreTargets} from './manifest-checks.js'
import {openPart} from './parts.js'
import type {StoredSnapshot} from './snapshot-store.js'
import {removeHelpers, writeVolume} from './volume-archive.js'

/**
 * Brings a verified snapshot's data back into the installed app, with its requests held through the
 * proxy: stop the app → every release container removed (they hold the volumes; a rollback recreates
 * kept releases from their images) → each volume removed, created empty and filled from its tar →
 * accessories copied by volume recreated on their restored volumes, dumped ones fed their dump →
 * the serving release started again and health-checked by the proxy → requests released.
 * The app's record and secrets stay those of this host; only the data changes.
 * The caller holds the lock and has written the pending-restore marker; on failure the app is left
 * stopped (never serving half-restored data) and the marker makes the next command finish the job.
 */
export async function applySnapshot(
  op: Operation,
  snapshot: StoredSnapshot,
  facts: RestoreFacts,
  identity?: string,
): Promise<{heldMs: number; removedReleases: string[]}> {
  const {engine, app} = op
  const {record, recipe, secrets, runtime} = facts
  const current = record.current!
  const docker = engine.docker
  await removeHelpers(docker, app)
  const from = snapshot.manifest.versions.release
  if (from && from !== current.version) {
    engine.reporter.warn(`Snapshot ${snapshot.id} was taken on ${from}; ${app} runs ${current.version}, which gets its data`)
  }
  const route = await engine.proxy.route(app)
  const hold = await holdRequests(op, recipe, `snapshot ${snapshot.id} is restored`)
  const removedReleases: string[] = []
  try {
    await step(op, 'stop', `Stopping ${current.container}`, () => stopContainer(engine.docker, current.container))
    await stopProcesses(op, runtime.processes)
    for (const container of await appContainers(op)) {
      if (container.Labels[ACCESSORY_LABELS.accessory]) continue
      const name = containerName(container)
      await removeContainer(engine.docker, name)
      if (container.Labels[LABELS.version] && name !== current.container && !container.Labels[PROCESS_LABELS.process])
        removedReleases.push(`${name} (${container.Labels[LABELS.version]})`)
    }
    const note = removedReleasesNote(removedReleases)
    if (note) engine.reporter.info(note)
    await restoreVolumes(op, recipe, snapshot, {image: current.imageId, identity, record, secrets})
    await step(op, 'start', `Starting ${current.container} on the restored data`, async () => {
      await reviveRelease(op, recipe, current)
      await engine.proxy.deploy(
        deployArgs(app, recipe, `${current.container}:${recipe.port}`, route && {hosts: route.hosts, tls: route.tls}),
      )
    })
  } catch (error) {
    // Never serve half-restored data: the app stays down until the restore is finished.
    await stopContainer(engine.docker, current.container).catch(() => {})
    await hold.release(`${current.container}:${recipe.port}`).catch(() => 0)
    throw new DiscodeError(`The restore of ${app} from ${snapshot.id} failed: ${(error as Error).message}`, {
      hint: `${app} is stopped so that it never serves half-restored data; "discode restore ${app} ${snapshot.id}" again (or the next update or backup of it) finishes the restore`,
      code: 'RESTORE_FAILED',
      cause: error,
    })
  }
  const heldMs = await hold.release(`${current.container}:${recipe.port}`)
  // The processes come back on the restored data once the web serves (a failure here leaves the web serving).
  if (hasProcesses(recipe, [current])) await moveProcesses(op, recipe, current, runtime.processes)
  return {heldMs, removedReleases}
}

/** A restore's facts, read once under the lock from `record` (which names a serving release). */
export async function restoreFacts(engine: Engine, record: AppRecord): Promise<RestoreFacts> {
  const {raw} = loadInstalledRecipe(engine.recipeRoots, record)
  const secrets = await engine.store.readSecrets(record.app)
  const recipe = renderFor(record.app, raw, record.inputs, secrets, record.current!)
  return {record, raw, recipe, secrets, runtime: await engine.runtimeFor(record)}
}

/**
 * What the customer is told when a restore removed the stopped containers of earlier releases (they
 * held the old volumes): a rollback still works, from the release's image, only not instantly.
 */
export function removedReleasesNote(removed: string[]): string | undefined {
  if (removed.length === 0) return undefined
  return `Removed the stopped container${removed.length > 1 ? 's' : ''} kept for a quick rollback (${removed.join(', ')}): they held the replaced data. "discode rollback" still works, recreating the release from its image`
}

/**
 * The snapshot's volumes (app and accessories) and accessory dumps, written into this host's Docker.
 * Release containers must be gone; accessories are recreated here.
 */
export async function restoreVolumes(
  op: Operation,
  recipe: Recipe,
  snapshot: StoredSnapshot,
  options: {image: string; identity?: string; record: AppRecord; secrets: SecretsRecord},
): Promise<void> {
  const {engine, app} = op
  const docker = engine.docker
  const parts = snapshot.manifest.parts
  // Labels are checked before anything is removed: a name may be another app's (see ownership.ts).
  const claim = claimFor(docker, app, options.record)
  const {volumes, containers} = restoreTargets(app, snapshot.manifest)
  for (const name of volumes) await assertVolumeOwned(claim, name)
  for (const name of containers) await assertContainerOwned(claim, name)
  const fill = async (volume: string, labels: Record<string, string>, part: ManifestPart) => {
    await removeOwnedVolume(claim, volume)
    await claimVolume(claim, volume, {...labels, [VOLUME_LABEL]: part.volume!})
    await writeVolume(docker, {app, volume, image: options.image}, await openPart(snapshot.dir, part, options.identity))
  }
  for (const part of parts.filter((p) => p.kind === 'volume')) {
    const volume = `${app}-${part.volume}`
    await step(op, 'restore', `Restoring volume ${volume}`, () => fill(volume, {[LABELS.app]: app}, part))
  }
  const byVolume = parts.filter((p) => p.kind === 'accessory-volume')
  for (const name of new Set(byVolume.map((p) => p.accessory!))) {
    await step(op, 'restore', `Restoring the volumes of accessory ${name}`, async () => {
      await removeOwnedContainer(claim, accessoryContainerName(app, name))
      for (const part of byVolume.filter((p) => p.accessory === name)) {
        await fill(accessoryVolumeName(app, name, part.volume!), {[LABELS.app]: app, [ACCESSORY_LABELS.accessory]: name}, part)
      }
    })
  }
  // Recreates the accessories removed above (and any missing), and waits until they are healthy.
  await ensureAccessories(op, recipe, {
    replace: false,
    credentials: registryCredentials(recipe, options.secrets),
  })
  for (const part of parts.filter((p) => p.kind === 'accessory-dump')) {
    const name = part.accessory!
    const restore = recipe.accessories[name]?.backup?.restore
    if (!restore) {
      engine.reporter.warn(
        `The snapshot holds a dump of accessory ${name}, which the recipe no longer declares with a restore command: skipped`,
      )
      continue
    }
    await step(op, 'restore', `Restoring accessory ${name} (${restore.join(' ')})`, async () =>
      runRestore(docker, accessoryContainerName(app, name), restore, await openPart(snapshot.dir, part, options.identity)),
    )
  }
}
