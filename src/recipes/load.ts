/**
 * Reading and checking recipes (rendering: render.ts; finding them: resolve.ts). A recipe is a directory holding `recipe.yml`; its
 * string values are Handlebars templates rendered one by one after parsing, so a user's value is data
 * and can never change the recipe's structure.
 */
import {readFileSync, statSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {LineCounter, parseDocument, type Document, type YAMLError} from 'yaml'
import {DiscodeError} from '../errors.js'
import {check, didYouMean, problemAt, type Problem} from './issues.js'
import {RecipeSchema, type RawRecipe} from './schema.js'
import {forEachString} from './string-leaves.js'
import {templateSyntaxError, templateVariables} from './template.js'

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

/** Whether `path` is a file (a recipe given as its recipe.yml rather than its directory). */
export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}
