import {join} from 'node:path'

import {DiscodeError} from '../errors.js'
import type {AppRecord, SecretsRecord} from '../state/store.js'
import {parseRecipeFile} from './load.js'
import {renderFeed, renderRecipe} from './render.js'
import {type RecipeRoot, resolveRecipe} from './resolve.js'
import type {RawRecipe, Recipe} from './schema.js'

/** A recipe as read from disk, before any template is filled in. */
export interface LoadedRecipe {
  raw: RawRecipe
  dir: string
}

/**
 * Re-reads the recipe an app was installed from. A plugin's recipe is found again by its ref, so a
 * plugin update (or a move from linked to installed) brings the vendor's newer recipe.
 */
export function loadInstalledRecipe(recipeRoots: RecipeRoot[], record: AppRecord): LoadedRecipe {
  if (record.recipe.source !== 'path' && record.recipe.source !== 'builtin') {
    const plugin = recipeRoots.find((root) => root.source === record.recipe.source)
    if (!plugin) {
      throw new DiscodeError(`${record.app} comes from the plugin ${record.recipe.source}, which is not installed`, {
        hint: `Install it again with "discode plugins install ${record.recipe.source}"`,
        code: 'RECIPE_NOT_FOUND',
      })
    }
    const resolved = resolveRecipe(record.recipe.ref, recipeRoots)
    return {raw: resolved.raw, dir: resolved.dir}
  }
  return {raw: parseRecipeFile(join(record.recipe.dir, 'recipe.yml')), dir: record.recipe.dir}
}

/** The template context of one app; accessories are reached by their container name on the app network. */
function templateContext(app: string, raw: RawRecipe, inputs: Record<string, string>, secrets: SecretsRecord) {
  const accessories = Object.fromEntries(
    Object.entries(raw.accessories).map(([name, a]) => [name, {host: `${app}-${name}`, port: a.port ?? 0}]),
  )
  return {app: {name: app}, inputs: {...inputs, ...secrets.inputs}, secrets: secrets.generated, accessories}
}

/** The recipe with every template filled in for one release. */
export function renderFor(
  app: string,
  raw: RawRecipe,
  inputs: Record<string, string>,
  secrets: SecretsRecord,
  release: {version: string; image: string},
): Recipe {
  return renderRecipe(raw, {
    ...templateContext(app, raw, inputs, secrets),
    release: {version: release.version, image: release.image},
  })
}

/** Where an app's releases are published, and the vendor's key when the recipe requires a signed feed. */
export interface FeedLocation {
  url: string
  key?: string
  /** The recipe's image repository: every release of the feed must be in it (src/feed/trust.ts). */
  image: string
}

/** The feed URL and key, which are needed before a release is chosen (so they cannot use release.*). */
export function feedFor(app: string, raw: RawRecipe, inputs: Record<string, string>, secrets: SecretsRecord): FeedLocation {
  return renderFeed(raw, templateContext(app, raw, inputs, secrets))
}

/** Credentials for pulling the app's images: the ones given at install win over the recipe's. */
export function registryCredentials(recipe: Recipe, secrets: SecretsRecord): {username: string; password: string} | undefined {
  return secrets.registry ?? recipe.registry
}
