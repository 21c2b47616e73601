/**
 * What `recipes test DIR` checks: a plugin package (package.json with a `discode` field: its recipe is
 * installed from the linked plugin, so its hooks run) or a recipe directory (no plugin hooks).
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join, resolve} from 'node:path'

import {DiscodeError} from '../errors.js'
import {formatProblem, parseRecipeFile, RECIPE_FILE, validateRecipeDir} from '../recipes/load.js'
import type {RawRecipe} from '../recipes/schema.js'

export interface CheckTarget {
  /** The plugin package's directory and name, when DIR is one. */
  plugin?: {dir: string; name: string}
  recipeDir: string
  recipe: RawRecipe
  /** What `discode install --recipe` is given in the world. */
  ref: string
}

interface PluginPjson {
  name?: string
  discode?: {recipes?: string}
  oclif?: {hooks?: Record<string, string | {target: string} | (string | {target: string})[]>}
}

/** The compiled hook files package.json names: they must exist, since discode loads exactly these. */
export function hookFiles(pjson: PluginPjson): string[] {
  return Object.values(pjson.oclif?.hooks ?? {})
    .flat()
    .map((hook) => (typeof hook === 'string' ? hook : hook.target))
}

export function resolveTarget(dir: string, recipeName?: string): CheckTarget {
  const root = resolve(dir)
  const pjsonPath = join(root, 'package.json')
  const pjson = existsSync(pjsonPath) ? (JSON.parse(readFileSync(pjsonPath, 'utf8')) as PluginPjson) : undefined
  if (!pjson?.discode?.recipes) return {recipeDir: root, recipe: checkedRecipe(root), ref: root}

  const recipesDir = join(root, pjson.discode.recipes)
  const dirs = existsSync(recipesDir)
    ? readdirSync(recipesDir, {withFileTypes: true})
        .filter((entry) => entry.isDirectory() && existsSync(join(recipesDir, entry.name, RECIPE_FILE)))
        .map((entry) => join(recipesDir, entry.name))
        .sort()
    : []
  const recipes = dirs.map((recipeDir) => ({recipeDir, recipe: checkedRecipe(recipeDir)}))
  const chosen = recipeName ? recipes.find((r) => r.recipe.name === recipeName) : recipes[0]
  if (!chosen) {
    throw new DiscodeError(recipeName ? `${pjson.name} has no recipe "${recipeName}"` : `${pjson.name} ships no recipe in ${recipesDir}`, {
      hint: `Its recipes: ${recipes.map((r) => r.recipe.name).join(', ') || 'none'}`,
      code: 'RECIPE_NOT_FOUND',
    })
  }
  const missing = hookFiles(pjson).filter((file) => !existsSync(join(root, file)))
  if (missing.length > 0) {
    throw new DiscodeError(`${pjson.name}: hook file(s) not built: ${missing.join(', ')}`, {
      hint: 'Build the plugin first (npm run build): discode loads the compiled hooks package.json names',
      code: 'HOOKS_NOT_BUILT',
    })
  }
  return {plugin: {dir: root, name: pjson.name!}, ...chosen, ref: `${pjson.name}:${chosen.recipe.name}`}
}

function checkedRecipe(dir: string): RawRecipe {
  const result = validateRecipeDir(dir)
  if (!result.ok) {
    const more = result.errors.length > 2 ? ` (and ${result.errors.length - 2} more)` : ''
    const first = result.errors.slice(0, 2).map(formatProblem).join('; ')
    throw new DiscodeError(`${dir}: ${result.errors.length} problem(s) in the recipe: ${first}${more}`, {
      hint: `Fix them first (discode recipes validate ${dir})`,
      code: 'RECIPE_INVALID',
    })
  }
  return parseRecipeFile(join(dir, RECIPE_FILE))
}
