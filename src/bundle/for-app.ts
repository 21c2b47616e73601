/**
 * A bundle for `install APP --bundle` and `update APP --bundle`: the key to trust (the installed app's
 * own, or the customer's --key / confirmation on a first install), opened and verified, then loaded;
 * an app installed from an earlier bundle moves to this bundle's recipe once it has verified.
 */
import {join, sep} from 'node:path'

import type {Engine} from '../lifecycle/context.js'
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
  onImage?: (ref: string) => void
}

export type UsedBundle = LoadedBundle & {opened: OpenedBundle}

export async function bundleForInstall(engine: Engine, use: BundleUse): Promise<UsedBundle> {
  const opened = await openBundle(use.file, {given: use.key, accept: use.accept, confirm: use.confirm, to: use.to})
  const loaded = await loadBundle(engine.docker, engine.settings.home, opened, {...use, allowOlder: use.to !== undefined})
  return {...loaded, opened}
}

export async function bundleForUpdate(engine: Engine, app: string, use: BundleUse): Promise<UsedBundle> {
  const record = await installedRecord(engine.store, app)
  // A cluster's other nodes would pull the images: refused before anything is read or loaded.
  const runtime = await engine.runtimeFor(record)
  runtime.requireOneHost(app, {what: 'bundle'})
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
  const loaded = await loadBundle(engine.docker, engine.settings.home, opened, {...use, allowOlder: use.to !== undefined})
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
