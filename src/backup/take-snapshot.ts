import {join} from 'node:path'

import type Dockerode from 'dockerode'

import {
  type ContainerInfo,
  containerName,
  inspectContainer,
  inspectImage,
  listContainers,
  startContainer,
  stopContainer,
} from '../docker/docker.js'
import {DiscodeError} from '../errors.js'
import {ACCESSORY_LABELS, accessoryContainerName, accessoryVolumeName} from '../lifecycle/accessories/spec.js'
import {assertNamesOwned, claimFor} from '../lifecycle/claim.js'
import type {Engine} from '../lifecycle/context.js'
import {LABELS, notInstalledError} from '../names/names.js'
import {type Operation, step} from '../lifecycle/operation.js'
import {pauseProcesses} from '../lifecycle/processes/move.js'
import {loadInstalledRecipe, renderFor} from '../recipes/installed.js'
import type {Recipe} from '../recipes/schema.js'
import type {AppRecord} from '../state/store.js'
import {runDump, waitRunning} from './accessory-exec.js'
import {appKeyMissing, readAppKey, snapshotEncryption, writeAppKey} from './app-key.js'
import {KEY_FILE, newSnapshotKey, type SnapshotKey} from './encryption.js'
import {holdRequests} from './hold.js'
import {type Manifest, MANIFEST_FORMAT, type ManifestPart, snapshotId, type Trigger} from './manifest.js'
import {hostKey} from './manifest-auth.js'
import {storePart} from './parts.js'
import {pruneSnapshots} from './prune.js'
import {appBackupDir, backupRoot, commitSnapshot, makePrivateDir, partialDir, removePartials, writePrivateFile} from './snapshot-store.js'
import {discodeVersion} from './version.js'
import {readVolume} from './volume-archive.js'

export interface SnapshotOptions {
  trigger: Trigger
  /** Default: the recipe's `backup.consistency`. */
  consistency?: 'live' | 'pause'
  /** The backup root (default: the app's setting, else DISCODE_HOME/backups). */
  dir?: string
  /** Encrypts every part with age under this passphrase. */
  passphrase?: string
  /** Snapshots to keep after this one (default: the app's setting, else DEFAULT_KEEP). */
  keep?: number
  /** The rendered recipe, when the caller has it (an update whose new inputs are not stored yet). */
  recipe?: Recipe
  /** The app's record as stored, when the caller has it (an update's hop): not read again. */
  record?: AppRecord
}

export interface SnapshotResult {
  id: string
  dir: string
  manifest: Manifest
  /** Milliseconds requests were held through the proxy during the copy. */
  heldMs: number
  bytes: number
  pruned: string[]
}

/**
 * Takes a snapshot of the app: record, secrets, every volume of the app (a live copy, or with
 * requests held for `consistency: pause`) and of its accessories (their `backup.dump` when declared,
 * else a copy of their volumes while they are stopped, with the app's requests held meanwhile).
 * The caller holds the app's lock (see backupApp, or the update that takes one first).
 */
export async function takeSnapshot(op: Operation, options: SnapshotOptions): Promise<SnapshotResult> {
  const {engine, app} = op
  const record = options.record ?? (await engine.store.read(app))
  if (!record) throw notInstalledError(app)
  const recipe = options.recipe ?? (await installedRecipe(engine, record))
  const root = backupRoot(engine.settings.home, options.dir ?? record.backup?.dir)
  removePartials(root, app)
  const createdAt = new Date()
  const id = snapshotId(createdAt, options.trigger)
  const partial = partialDir(root, app, id)
  makePrivateDir(partial)
  const consistency = options.consistency ?? recipe.backup.consistency
  try {
    const key = await snapshotKey(engine, record, options.passphrase)
    if (key) writePrivateFile(join(partial, KEY_FILE), key.sealed)
    const recipient = key?.recipient
    const parts: ManifestPart[] = [
      await storePart(partial, {kind: 'record'}, JSON.stringify(record, null, 2), {recipient}),
      await storePart(partial, {kind: 'secrets'}, JSON.stringify(await engine.store.readSecrets(app), null, 2), {recipient}),
    ]
    const copied = await copyData(op, record, recipe, {partial, recipient, consistency})
    parts.push(...copied.parts)
    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      id,
      app,
      createdAt: createdAt.toISOString(),
      trigger: options.trigger,
      consistency,
      heldMs: copied.heldMs,
      containsSecrets: true,
      encrypted: Boolean(key),
      versions: {
        discode: discodeVersion(),
        release: record.current?.version,
        image: record.current?.image,
        imageId: record.current?.imageId,
        accessories: copied.accessoryImages,
      },
      recipe: {ref: record.recipe.ref, source: record.recipe.source},
      parts,
    }
    const final = join(appBackupDir(root, app), id)
    commitSnapshot(partial, final, manifest, key?.macKey ?? hostKey(engine.settings.home, true)!)
    if (options.passphrase && key) await rememberAppKey(engine, app, key)
    const pruned = pruneSnapshots(root, record, options.keep)
    return {id, dir: final, manifest, heldMs: copied.heldMs, bytes: parts.reduce((sum, p) => sum + p.size, 0), pruned}
  } catch (error) {
    removePartials(root, app)
    throw error
  }
}

/**
 * The key a snapshot is encrypted and authenticated with: a fresh one from the passphrase, else the
 * app's remembered one when it encrypts its snapshots (never a silent plain snapshot), else none.
 */
async function snapshotKey(engine: Engine, record: AppRecord, passphrase?: string): Promise<SnapshotKey | undefined> {
  const kept = readAppKey(engine.store.appDir(record.app))
  switch (snapshotEncryption({passphrase: Boolean(passphrase), encrypts: Boolean(record.backup?.encrypted), keyKept: Boolean(kept)})) {
    case 'new':
      return newSnapshotKey(passphrase!)
    case 'kept':
      return kept
    case 'plain':
      return undefined
    case 'missing':
      throw appKeyMissing(record.app)
  }
}

/** After an encrypted snapshot (or restore of one): the app's key is kept, and the app marked as encrypting. */
export async function rememberAppKey(engine: Engine, app: string, key: SnapshotKey, known?: AppRecord): Promise<void> {
  engine.store.ensureAppDir(app)
  writeAppKey(engine.store.appDir(app), key)
  // `known`: the record as the caller's operation holds it (read or written under its lock).
  const stored = known ?? (await engine.store.read(app))
  if (stored && !stored.backup?.encrypted) await engine.store.write({...stored, backup: {...stored.backup, encrypted: true}})
}

/** The recipe as installed, rendered with the app's secrets (accessory definitions depend on them). */
export async function installedRecipe(engine: Engine, record: AppRecord, release?: {version: string; image: string}): Promise<Recipe> {
  const {raw} = loadInstalledRecipe(engine.recipeRoots, record)
  const renderAs = release ?? record.current ?? record.previous[0] ?? {version: '0.0.0', image: raw.image}
  return renderFor(record.app, raw, record.inputs, await engine.store.readSecrets(record.app), renderAs)
}

interface CopyOptions {
  partial: string
  recipient?: string
  consistency: 'live' | 'pause'
}

async function copyData(op: Operation, record: AppRecord, recipe: Recipe, options: CopyOptions) {
  const {engine, app} = op
  const docker = engine.docker
  // Only the app's own volumes go into its snapshot (a name may be another app's, see ownership.ts).
  await assertNamesOwned(claimFor(docker, app, record), recipe)
  const accessories = await listContainers(engine.docker, [`${LABELS.app}=${app}`, ACCESSORY_LABELS.accessory])
  const byName = new Map(accessories.map((c) => [c.Labels[ACCESSORY_LABELS.accessory], c]))
  const stopsAccessory = Object.entries(recipe.accessories).some(([name, a]) => !a.backup && a.volumes.length > 0 && byName.has(name))
  const image = await helperImage(
    engine,
    record,
    accessories.map((c) => c.ImageID),
  )
  const progress = (label: string) => (bytes: number) => engine.reporter.transferProgress?.(label, bytes)
  const hold =
    options.consistency === 'pause' || stopsAccessory
      ? await holdRequests(op, recipe, 'the snapshot is taken')
      : {held: false, release: async () => 0}
  // Processes write the volumes too: with `consistency: pause` they stop for the copy.
  const resumeProcesses = options.consistency === 'pause' ? await pauseProcesses(op) : async () => {}
  const parts: ManifestPart[] = []
  const accessoryImages: Record<string, string> = {}
  let heldMs = 0
  try {
    for (const volume of recipe.volumes) {
      const ref = {app, image, volume: `${app}-${volume.name}`}
      parts.push(
        await step(op, 'snapshot', `Copying volume ${ref.volume}`, () =>
          readVolume(docker, ref, (tar) =>
            storePart(options.partial, {kind: 'volume', volume: volume.name, path: volume.path}, tar, {
              recipient: options.recipient,
              onBytes: progress(ref.volume),
            }),
          ),
        ),
      )
    }
    for (const [name, accessory] of Object.entries(recipe.accessories)) {
      const container = byName.get(name)
      if (!container) continue
      accessoryImages[name] = accessory.image
      parts.push(...(await copyAccessory(op, {app, name, accessory, container, docker, options, progress})))
    }
  } finally {
    heldMs = await hold.release()
    await resumeProcesses()
  }
  return {parts, heldMs, accessoryImages}
}

/** One accessory: its declared dump (while it runs), else its volumes while it is stopped. */
async function copyAccessory(
  op: Operation,
  c: {
    app: string
    name: string
    accessory: Recipe['accessories'][string]
    container: ContainerInfo
    docker: Dockerode
    options: CopyOptions
    progress: (label: string) => (bytes: number) => void
  },
): Promise<ManifestPart[]> {
  const {app, name, accessory, container, docker, options, progress} = c
  const {engine} = op
  const containerId = containerName(container)
  if (accessory.backup) {
    const dump = accessory.backup.dump
    return step(op, 'snapshot', `Dumping accessory ${name} (${dump.join(' ')})`, async () => {
      let stored: ManifestPart | undefined
      await runDump(docker, containerId, dump, async (stdout) => {
        stored = await storePart(options.partial, {kind: 'accessory-dump', accessory: name}, stdout, {
          recipient: options.recipient,
          onBytes: progress(`${name} dump`),
        })
      })
      return [stored!]
    })
  }
  if (accessory.volumes.length === 0) return []
  return step(op, 'snapshot', `Copying the volumes of accessory ${name} while it is stopped`, async () => {
    const wasRunning = container.State === 'running'
    const parts: ManifestPart[] = []
    await stopContainer(engine.docker, containerId)
    try {
      for (const volume of accessory.volumes) {
        const ref = {app, image: container.ImageID, volume: accessoryVolumeName(app, name, volume.name)}
        const part = {kind: 'accessory-volume' as const, accessory: name, volume: volume.name, path: volume.path}
        parts.push(
          await readVolume(docker, ref, (tar) =>
            storePart(options.partial, part, tar, {recipient: options.recipient, onBytes: progress(ref.volume)}),
          ),
        )
      }
    } finally {
      if (wasRunning) {
        await startContainer(engine.docker, containerId)
        await waitRunning(engine, accessoryContainerName(app, name))
      }
    }
    return parts
  })
}

/**
 * An image on this host for the never-started copy containers: the app's own (always there while it
 * is installed), else an accessory's, else the proxy's (after an uninstall that kept the data).
 */
async function helperImage(engine: Engine, record: AppRecord, accessoryImages: string[]): Promise<string> {
  const proxy = await inspectContainer(engine.docker, engine.proxy.containerName)
  const candidates = [record.current?.imageId, ...record.previous.map((r) => r.imageId), ...accessoryImages, proxy?.Image]
  for (const image of candidates) if (image && (await inspectImage(engine.docker, image))) return image
  throw new DiscodeError(`No image of ${record.app} is left on this host to copy its volumes with`, {
    hint: `Install it again ("discode install ${record.app}"), then take the snapshot`,
    code: 'NO_IMAGE',
  })
}
