/**
 * `update --bundle` with a vendor plugin, for an app whose recipe came from an earlier recipe-only
 * bundle (or a path): once the plugin is installed, the app's record names the plugin's recipe, so
 * its hooks run from this update on. An app from that plugin already is left as it is.
 */
import type {Engine} from '../lifecycle/context.js'
import {withAppLock} from '../lock/lock.js'
import {resolveRecipe} from '../recipes/resolve.js'
import {installedRecord} from '../state/installed.js'
import type {BundleManifest} from './manifest.js'

export async function adoptPluginRecipe(engine: Engine, app: string, manifest: Pick<BundleManifest, 'app' | 'plugin'>): Promise<void> {
  if (!manifest.plugin) return
  const resolved = resolveRecipe(`${manifest.plugin.name}:${manifest.app}`, engine.recipeRoots)
  await withAppLock(engine.settings.home, app, {command: 'update', wait: true}, async () => {
    const record = await installedRecord(engine.store, app)
    if (record.recipe.source === resolved.source) return
    await engine.store.write({...record, recipe: {ref: resolved.ref, source: resolved.source, dir: resolved.dir}})
  })
}
