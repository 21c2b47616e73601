/** Finding recipes: built-in ones and each vendor plugin's, by name, qualified name or path. */
import {existsSync, readdirSync} from 'node:fs'
import {homedir} from 'node:os'
import {basename, dirname, isAbsolute, join, resolve, sep} from 'node:path'

import {DiscodeError} from '../errors.js'
import {didYouMean} from './issues.js'
import {isFile, parseRecipeFile, RECIPE_FILE, RecipeError} from './load.js'
import type {RawRecipe} from './schema.js'

export interface RecipeRoot {
  /** `builtin`, or the plugin package name that ships the recipes, e.g. `@acme/discode-demo`. */
  source: string
  /** A directory whose subdirectories each hold a recipe.yml. */
  dir: string
}

export interface RecipeSummary {
  /** What to pass as --recipe: the name, or `source:name` when several sources have that name. */
  ref: string
  name: string
  title?: string
  source: string
  dir: string
  /** Why the recipe cannot be used, when it is malformed. */
  error?: string
}

export interface ResolvedRecipe {
  /** A reference that finds this recipe again: `source:name`, or the absolute directory. */
  ref: string
  /** `builtin`, a plugin package name, or `path`. */
  source: string
  dir: string
  raw: RawRecipe
}

interface Candidate {
  source: string
  dir: string
  /** The recipe's name, or its directory's name when it is malformed. */
  name: string
  raw?: RawRecipe
  error?: RecipeError
}

export function listRecipes(roots: RecipeRoot[]): RecipeSummary[] {
  const candidates = scanRoots(roots)
  const count = (name: string) => candidates.filter((candidate) => candidate.name === name).length
  return candidates
    .map((candidate) => ({
      ref: count(candidate.name) > 1 ? qualifiedRef(candidate) : candidate.name,
      name: candidate.name,
      title: candidate.raw?.title,
      source: candidate.source,
      dir: candidate.dir,
      ...(candidate.error ? {error: candidate.error.message} : {}),
    }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.source.localeCompare(b.source))
}

/** Finds a recipe by name (`demo`), qualified name (`builtin:demo`) or directory path (`./demo`). */
export function resolveRecipe(ref: string, roots: RecipeRoot[]): ResolvedRecipe {
  if (isPathRef(ref)) return resolvePath(ref)

  const qualified = /^(.+):([^:/\\]+)$/.exec(ref)
  const [source, name] = qualified ? [qualified[1], qualified[2]] : [undefined, ref]
  const candidates = scanRoots(roots)
  const matches = candidates.filter((candidate) => candidate.name === name && (source === undefined || candidate.source === source))

  if (matches.length === 0) {
    const known = candidates.map((candidate) => (source === undefined ? candidate.name : qualifiedRef(candidate)))
    throw new DiscodeError(`no recipe "${ref}"${didYouMean(ref, known)}`, {
      hint: 'Run "discode recipes list" to see the recipes you can install, or pass the path to a recipe directory',
      code: 'RECIPE_NOT_FOUND',
    })
  }
  if (matches.length > 1) throw ambiguity(name, matches)

  const [match] = matches
  if (!match.raw) throw match.error!
  return {ref: qualifiedRef(match), source: match.source, dir: match.dir, raw: match.raw}
}

function ambiguity(name: string, matches: Candidate[]): DiscodeError {
  const refs = [...new Set(matches.map(qualifiedRef))]
  if (refs.length === 1) {
    return new DiscodeError(`several recipes in ${matches[0].source} are named "${name}": ${matches.map((m) => m.dir).join(', ')}`, {
      hint: 'Pass the path to the recipe directory instead',
      code: 'RECIPE_AMBIGUOUS',
    })
  }
  return new DiscodeError(`recipe "${name}" is provided by several sources: ${refs.join(', ')}`, {
    hint: `Name one of them, e.g. --recipe ${refs[0]}`,
    code: 'RECIPE_AMBIGUOUS',
  })
}

function qualifiedRef(candidate: {source: string; name: string}): string {
  return `${candidate.source}:${candidate.name}`
}

/** `.`, `/` and `~` start a path; so does any path separator not part of `@scope/package:name`. */
function isPathRef(ref: string): boolean {
  if (/^[.~/]/.test(ref) || isAbsolute(ref)) return true
  if (/^@[^/:]+\/[^/:]+:[^:/\\]+$/.test(ref)) return false
  return ref.includes('/') || ref.includes(sep)
}

function resolvePath(ref: string): ResolvedRecipe {
  const expanded = ref === '~' || ref.startsWith('~/') || ref.startsWith(`~${sep}`) ? join(homedir(), ref.slice(1)) : ref
  const given = resolve(expanded)
  const dir = isFile(given) ? dirname(given) : given
  if (!existsSync(join(dir, RECIPE_FILE))) {
    throw new DiscodeError(`no ${RECIPE_FILE} in ${dir}`, {hint: 'A recipe is a directory holding recipe.yml', code: 'RECIPE_NOT_FOUND'})
  }
  return {ref: dir, source: 'path', dir, raw: parseRecipeFile(join(dir, RECIPE_FILE))}
}

function scanRoots(roots: RecipeRoot[]): Candidate[] {
  return roots.flatMap((root) => recipeDirs(root.dir).map((dir) => loadCandidate(root.source, dir)))
}

/** Subdirectories of `root` that hold a recipe.yml; none when `root` does not exist. */
function recipeDirs(root: string): string[] {
  let names: string[]
  try {
    names = readdirSync(root).sort()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  return names.map((name) => join(root, name)).filter((dir) => existsSync(join(dir, RECIPE_FILE)))
}

function loadCandidate(source: string, dir: string): Candidate {
  try {
    const raw = parseRecipeFile(join(dir, RECIPE_FILE))
    return {source, dir, name: raw.name, raw}
  } catch (error) {
    if (!(error instanceof RecipeError)) throw error
    return {source, dir, name: basename(dir), error}
  }
}
