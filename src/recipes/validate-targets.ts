/** What `discode recipes validate PATH` checks: one recipe, or every recipe a plugin package ships. */
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {isFile, type RecipeProblem, RECIPE_FILE} from './load.js'

/**
 * The recipe directories under PATH: PATH itself when it holds recipe.yml (or is one); for a plugin's
 * root, each subdirectory with a recipe.yml of its `discode.recipes` directory (default `recipes/`).
 * Anything else is PATH itself, for validation to report what is missing.
 */
export function recipeDirsOf(path: string): string[] {
  if (isFile(path) || existsSync(join(path, RECIPE_FILE))) return [path]
  let recipes = join(path, 'recipes')
  try {
    const pjson = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as {discode?: {recipes?: unknown}}
    if (typeof pjson.discode?.recipes === 'string') recipes = join(path, pjson.discode.recipes)
  } catch {
    // No package.json, or not JSON: a plain directory of recipes.
  }
  let entries: string[]
  try {
    entries = readdirSync(recipes, {withFileTypes: true})
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(recipes, entry.name))
  } catch {
    return [path]
  }
  const dirs = entries.filter((dir) => existsSync(join(dir, RECIPE_FILE))).sort()
  return dirs.length > 0 ? dirs : [path]
}

/** `file:line:column: key.path: reason` when the position is known (text output of validate). */
export function problemLine(problem: RecipeProblem): string {
  const where = problem.line !== undefined ? `${problem.file}:${problem.line}:${problem.column ?? 1}` : problem.file
  return `${where}: ${problem.path ? `${problem.path}: ` : ''}${problem.message}`
}
