/**
 * Reading, checking, rendering and finding recipes. A recipe is a directory holding `recipe.yml`; its
 * string values are Handlebars templates rendered one by one after parsing, so a user's value is data
 * and can never change the recipe's structure.
 */
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {homedir} from 'node:os'
import {basename, dirname, isAbsolute, join, resolve, sep} from 'node:path'
import {LineCounter, parseDocument, type Document, type YAMLError} from 'yaml'
import {DiscodeError} from '../errors.js'
import {check, didYouMean, problemAt, type Problem} from './issues.js'
import {withoutEmptyHosts} from './proxy-schema.js'
import {RecipeSchema, RenderedRecipeSchema, isHttpUrl, type RawRecipe, type Recipe, type RecipeInput} from './schema.js'
import {renderTemplate, templateSyntaxError, templateVariables, undefinedVariable} from './template.js'

export type {RawRecipe, Recipe} from './schema.js'

export const RECIPE_FILE = 'recipe.yml'

export interface RecipeContext {
  app: {name: string}
  inputs: Record<string, string>
  secrets: Record<string, string>
  release: {version: string; image: string}
  /** Host `<app>-<name>` on the app network, and the accessory's port when the recipe sets one. */
  accessories: Record<string, {host: string; port?: number}>
}

export interface RecipeProblem {
  /** The recipe file, or `recipe <name>` for a problem found while rendering. */
  file: string
  /** Key path such as `hooks.preSwitch[0].run`; empty for the file itself. */
  path: string
  message: string
  line?: number
  column?: number
}

/** One recipe problem (the first, when there are several) on one line, with a hint. */
export class RecipeError extends DiscodeError {
  readonly problems: RecipeProblem[]

  constructor(problems: RecipeProblem[], options: {hint?: string; code?: string} = {}) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : ''
    super(formatProblem(problems[0]) + more, {hint: options.hint, code: options.code ?? 'RECIPE_INVALID'})
    this.problems = problems
  }
}

/** `file:line:column: reason` for YAML syntax, `file: key.path: reason` otherwise. */
export function formatProblem(problem: RecipeProblem): string {
  const where = problem.path === '' && problem.line !== undefined ? `${problem.file}:${problem.line}:${problem.column}` : problem.file
  return `${where}: ${problem.path ? `${problem.path}: ` : ''}${problem.message}`
}

// ---------------------------------------------------------------------------------------------------
// Parsing and validation

export function parseRecipeFile(file: string): RawRecipe {
  const {raw, problems} = inspectRecipeFile(file)
  if (!raw) throw new RecipeError(problems, {hint: `Run "discode recipes validate ${dirname(file)}" to see every problem`})
  return raw
}

/** Every problem of the recipe in `dir` (or of the file `dir`, when given a recipe.yml). */
export function validateRecipeDir(dir: string): {ok: boolean; errors: RecipeProblem[]; raw?: RawRecipe} {
  const file = isFile(dir) ? dir : join(dir, RECIPE_FILE)
  const {raw, problems} = inspectRecipeFile(file)
  return {ok: problems.length === 0, errors: problems, raw}
}

/** The parsed recipe when it has no problem, and the problems otherwise. */
function inspectRecipeFile(file: string): {raw?: RawRecipe; problems: RecipeProblem[]} {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `cannot be read (${(error as Error).message})`
    return {problems: [{file, path: '', message: reason}]}
  }

  const lineCounter = new LineCounter()
  const doc = parseDocument(text, {lineCounter})
  if (doc.errors.length > 0) return {problems: doc.errors.map((error) => yamlProblem(file, error))}

  const data: unknown = doc.toJS()
  const located = (problems: Problem[]) => problems.map((problem) => locate(file, problem, doc, lineCounter)).sort(byPosition)
  const schema = check(RecipeSchema, data)
  const syntax = templateSyntaxProblems(data)
  if (!schema.ok || syntax.length > 0) {
    // Unknown variables are reported too, as far as the broken structure lets them be found.
    const variables = variableProblems(lenientRecipe(data))
    return {problems: located([...(schema.ok ? [] : schema.problems), ...syntax, ...variables])}
  }

  const variables = located(variableProblems(schema.value))
  return variables.length > 0 ? {problems: variables} : {raw: schema.value, problems: []}
}

function yamlProblem(file: string, error: YAMLError): RecipeProblem {
  const [position] = error.linePos ?? []
  // The yaml message repeats the position and adds a source excerpt on further lines.
  const message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')
  return {file, path: '', message, line: position?.line, column: position?.col}
}

/** Adds the line and column of the value a problem is about (or of its nearest existing parent). */
function locate(file: string, problem: Problem, doc: Document, lineCounter: LineCounter): RecipeProblem {
  for (let length = problem.segments.length; length >= 0; length--) {
    const node = doc.getIn(problem.segments.slice(0, length), true) as {range?: [number, number, number]} | undefined
    if (node?.range) {
      const {line, col} = lineCounter.linePos(node.range[0])
      return {file, path: problem.path, message: problem.message, line, column: col}
    }
  }
  return {file, path: problem.path, message: problem.message}
}

/** Problems in reading order; those without a position last. */
function byPosition(a: RecipeProblem, b: RecipeProblem): number {
  return (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0)
}

function templateSyntaxProblems(data: unknown): Problem[] {
  const problems: Problem[] = []
  forEachString(data, (source, segments) => {
    const error = templateSyntaxError(source)
    if (error) problems.push(problemAt(segments, error))
  })
  return problems
}

/**
 * Parts of the recipe rendered before the whole context exists: inputs are asked first (renderInputs),
 * and the feed is read before a release is chosen (renderFeed).
 */
const EARLY_SCOPES: Record<string, {roots: string[]; why: string}> = {
  inputs: {roots: ['app'], why: 'inputs are asked before anything else is known'},
  feed: {roots: ['app', 'inputs', 'secrets'], why: 'the feed is read before a release is chosen'},
  feedKey: {roots: ['app', 'inputs', 'secrets'], why: 'the feed is read before a release is chosen'},
  accessories: {
    roots: ['app', 'inputs', 'secrets', 'accessories'],
    why: 'accessories outlive releases (a release value would replace them at each update)',
  },
}

/** Template variables that are not in the context, or not yet known where they are used. */
function variableProblems(raw: RawRecipe): Problem[] {
  const known = knownVariables(raw)
  const problems: Problem[] = []
  forEachString(raw, (source, segments) => {
    const scope = EARLY_SCOPES[String(segments[0])]
    let variables: ReturnType<typeof templateVariables>
    try {
      variables = templateVariables(source)
    } catch {
      return // a syntax error, reported on its own
    }
    for (const variable of variables) {
      if (!variable.atRoot) continue
      // A prefix such as `inputs` is fine too: `{{#each inputs}}`, `{{lookup inputs "x"}}`.
      if (!known.some((name) => name === variable.name || name.startsWith(`${variable.name}.`))) {
        problems.push(problemAt(segments, `unknown variable "${variable.name}"${didYouMean(variable.name, known)}`))
      } else if (scope && !scope.roots.includes(variable.name.split('.')[0])) {
        problems.push(problemAt(segments, `"${variable.name}" cannot be used here: ${scope.why}`))
      }
    }
  })
  return problems
}

/** What variable checks need of a recipe that failed its schema: the parts that still make sense. */
function lenientRecipe(data: unknown): RawRecipe {
  const object = (value: unknown): Record<string, unknown> =>
    value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
  const recipe = object(data)
  const inputs = Array.isArray(recipe.inputs) ? recipe.inputs.filter((input) => typeof object(input).name === 'string') : []
  const accessories = Object.fromEntries(Object.entries(object(recipe.accessories)).map(([name, a]) => [name, object(a)]))
  return {...recipe, inputs, secrets: object(recipe.secrets), accessories} as unknown as RawRecipe
}

function knownVariables(raw: RawRecipe): string[] {
  return [
    'app.name',
    'release.version',
    'release.image',
    ...raw.inputs.map((input) => `inputs.${input.name}`),
    ...Object.keys(raw.secrets).map((name) => `secrets.${name}`),
    ...Object.entries(raw.accessories).flatMap(([name, accessory]) => [
      `accessories.${name}.host`,
      ...(accessory.port === undefined ? [] : [`accessories.${name}.port`]),
    ]),
  ]
}

// ---------------------------------------------------------------------------------------------------
// Rendering

/** Renders every string value of the recipe for one app and release, then checks the formats again. */
export function renderRecipe(raw: RawRecipe, context: RecipeContext): Recipe {
  const rendered = renderStrings(raw, raw, context)
  rendered.proxy = withoutEmptyHosts(rendered.proxy)
  const result = check(RenderedRecipeSchema, rendered)
  if (!result.ok) throw renderError(raw, context, result.problems)
  return result.value as Recipe
}

/** The inputs with their descriptions and defaults rendered, to ask for them (they may use app.name). */
export function renderInputs(raw: RawRecipe, context: Pick<RecipeContext, 'app'>): RecipeInput[] {
  return renderStrings(raw, {inputs: raw.inputs}, context).inputs
}

/** The feed URL and key, which are needed before a release is chosen. */
export function renderFeed(raw: RawRecipe, context: Pick<RecipeContext, 'app' | 'inputs' | 'secrets'>): {url: string; key?: string} {
  const {feed, feedKey} = renderStrings(raw, {feed: raw.feed, feedKey: raw.feedKey}, context)
  if (!isHttpUrl(feed)) throw renderError(raw, context, [problemAt(['feed'], `${JSON.stringify(feed)} is not an http(s) URL`)])
  return {url: feed, key: feedKey}
}

/** A copy of `value` with each string leaf rendered once; keys are never rendered. */
function renderStrings<T>(raw: RawRecipe, value: T, context: Partial<RecipeContext>): T {
  return mapStrings(value, (source, segments) => {
    try {
      return renderTemplate(source, context)
    } catch (error) {
      throw renderError(raw, context, [problemAt(segments, renderFailure(raw, source, error))])
    }
  }) as T
}

function renderFailure(raw: RawRecipe, source: string, error: unknown): string {
  const variable = undefinedVariable(source, error)
  if (variable === undefined) return `cannot be rendered: ${error instanceof Error ? error.message : String(error)}`
  const input = /^inputs\.(.+)$/.exec(variable)?.[1]
  return input && raw.inputs.some(({name}) => name === input) ? `no value for input "${input}"` : `unknown variable "${variable}"`
}

/** A rendering problem, with secret values (generated secrets and secret inputs) masked. */
function renderError(raw: RawRecipe, context: Partial<RecipeContext>, problems: Problem[]): RecipeError {
  const secretInputs = raw.inputs.filter((input) => input.secret).map((input) => context.inputs?.[input.name])
  const secrets = [...Object.values(context.secrets ?? {}), ...secretInputs].filter(
    (value): value is string => !!value && value.length >= 4,
  )
  const mask = (text: string) =>
    secrets.reduce((masked, secret) => {
      let out = masked.split(secret).join('[secret]')
      // Long values are quoted cut short (`"abc..."`): a cut secret is still a secret.
      for (let n = secret.length - 1; n >= 8; n--) out = out.split(`${secret.slice(0, n)}..."`).join('[secret]..."')
      return out
    }, text)
  return new RecipeError(
    problems.map((problem) => ({file: `recipe ${raw.name}`, path: problem.path, message: mask(problem.message)})),
    {code: 'RECIPE_RENDER', hint: `Check the values given with --set, or run "discode recipes validate" on the recipe`},
  )
}

type Segments = readonly PropertyKey[]

function mapStrings(value: unknown, render: (source: string, segments: Segments) => string, segments: Segments = []): unknown {
  if (typeof value === 'string') return render(value, segments)
  if (Array.isArray(value)) return value.map((item, index) => mapStrings(item, render, [...segments, index]))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, render, [...segments, key])]))
  }
  return value
}

function forEachString(value: unknown, visit: (source: string, segments: Segments) => void): void {
  mapStrings(value, (source, segments) => {
    visit(source, segments)
    return source
  })
}

// ---------------------------------------------------------------------------------------------------
// Discovery and resolution

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

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}
