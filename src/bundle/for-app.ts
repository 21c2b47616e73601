/**
 * A bundle for `install APP --bundle` and `update APP --bundle`: the key to trust (the installed app's
 * own, or the customer's --key / confirmation on a first install), opened and verified, then loaded;
 * an app installed from an earlier bundle moves to this bundle's recipe once it has verified.
 */
import {join, sep} from 'node:path'

import type {Engine} from '../lifecycle/context.js'
import type {BundleTargets} from '../lifecycle/release-runtime.js'
import {withAppLock} from '../lock/lock.js'
import {feedFor, loadInstalledRecipe} from '../recipes/installed.js'
import {installedRecord} from '../state/installed.js'
import {BundleError} from './errors.js'
import {type LoadedBundle, loadBundle, openBundle, type OpenedBundle} from './load.js'
import {pluginMismatch} from './plugin.js'

export interface BundleUse {
  file: string
  /** --key */
  key?: string
  /** --yes: a first install trusts the bundle's own key (its fingerprint shown). */
  accept: boolean
  confirm?: (fingerprint: string) => Promise<boolean>
  /** --to / --version */
  to?: string
  onProgress?: (label: string, bytes: number) => void
  onImage?: (ref: string, node?: string) => void
  /** --node-docker: a cluster's workers' Docker endpoints (the release images are loaded into each). */
  nodes?: string[]
  /** Which nodes got the images, and which were down: said once they are loaded. */
  onNodes?: (report: NodesReport) => void
}

/** `nodes`: a cluster app's, where the release images were loaded (said in the command's --json too). */
export type UsedBundle = LoadedBundle & {opened: OpenedBundle; nodes?: NodesReport}

/** `onCluster`: install --cluster, whose release images go to every node as well. */
export async function bundleForInstall(engine: Engine, use: BundleUse, options: {onCluster?: boolean} = {}): Promise<UsedBundle> {
  const opened = await openBundle(use.file, {given: use.key, accept: use.accept, confirm: use.confirm, to: use.to})
  const endpoints = use.nodes ?? []
  const targets = options.onCluster
    ? await (await import('../cluster/node-engines.js')).reachNodeEngines(engine, endpoints)
    : await (await engine.runtimeFor(undefined)).bundleTargets(engine, endpoints)
  const loaded = await loadEverywhere(engine, opened, use, targets)
  return {...loaded, opened}
}

export async function bundleForUpdate(engine: Engine, app: string, use: BundleUse): Promise<UsedBundle> {
  const record = await installedRecord(engine.store, app)
  const {raw} = loadInstalledRecipe(engine.recipeRoots, record)
  const key = feedFor(app, raw, record.inputs, await engine.store.readSecrets(app)).key ?? record.feedTrust?.key
  if (!key) {
    throw new BundleError(`${app}'s recipe has no feedKey: a bundle cannot be verified for it`, {
      code: 'BUNDLE_NO_KEY',
      hint: 'Bundles are for apps whose vendor signs releases; ask the vendor for a recipe with a feedKey',
    })
  }
  const opened = await openBundle(use.file, {
    given: use.key,
    installed: key,
    accept: use.accept,
    newestAccepted: record.feedPublished,
    to: use.to,
  })
  if (opened.manifest.app !== raw.name) {
    throw new BundleError(`the bundle ${use.file} is for ${opened.manifest.app}, not ${app}'s recipe ${raw.name}`, {
      code: 'BUNDLE_WRONG_APP',
      hint: 'Nothing was loaded. Use the bundle the vendor made for this app',
    })
  }
  const mismatch = pluginMismatch(opened.manifest, record.recipe.source)
  if (mismatch)
    throw new BundleError(mismatch, {code: 'BUNDLE_WRONG_PLUGIN', hint: 'Nothing was loaded. Use the bundle the vendor made for this app'})
  const targets = await (await engine.runtimeFor(record)).bundleTargets(engine, use.nodes ?? [])
  const loaded = await loadEverywhere(engine, opened, use, targets)
  await adoptRecipe(engine, app, loaded.recipeDir)
  return {...loaded, opened}
}

/** An app installed from a bundle reads its recipe from the newest bundle's (a plugin's or a path recipe is kept). */
async function adoptRecipe(engine: Engine, app: string, recipeDir: string): Promise<void> {
  const bundles = join(engine.settings.home, 'bundles') + sep
  await withAppLock(engine.settings.home, app, {command: 'update', wait: true}, async () => {
    const record = await installedRecord(engine.store, app)
    if (record.recipe.source !== 'path' || !record.recipe.dir.startsWith(bundles) || record.recipe.dir === recipeDir) return
    await engine.store.write({...record, recipe: {...record.recipe, ref: recipeDir, dir: recipeDir}})
  })
}

/** Said after a cluster load: the images went into each node's Docker (no registry), these nodes were down. */
export interface NodesReport {
  loaded: string[]
  down: string[]
}

/**
 * Loads the verified bundle into this engine and, for a cluster app, into every ready worker's Docker
 * (reached before, so an unreachable node refuses the bundle before anything is loaded); the release
 * images are recorded as on the nodes, so the services name them by id and no node pulls.
 */
async function loadEverywhere(
  engine: Engine,
  opened: OpenedBundle,
  use: BundleUse,
  targets?: BundleTargets,
): Promise<LoadedBundle & {nodes?: NodesReport}> {
  const options = {onProgress: use.onProgress, onImage: use.onImage, allowOlder: use.to !== undefined}
  const loaded = await loadBundle(engine.docker, engine.settings.home, opened, {...options, nodes: targets?.nodes})
  if (!targets) return loaded
  const releases = new Set(opened.manifest.releases.map((release) => release.image))
  const {recordNodeImages} = await import('../cluster/node-images.js')
  recordNodeImages(
    engine.settings.home,
    Object.entries(loaded.offline.images)
      .filter(([ref]) => releases.has(ref))
      .map(([, id]) => id),
  )
  const nodes = {loaded: targets.nodes.map((node) => node.name), down: targets.down}
  use.onNodes?.(nodes)
  return {...loaded, nodes}
}
