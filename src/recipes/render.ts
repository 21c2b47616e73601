/**
 * Rendering a recipe for one app and release: each string value is a Handlebars template rendered on
 * its own, after parsing, so a user's value is data and never changes the recipe's structure.
 */
import {problemAt, check, type Problem} from './issues.js'
import {RecipeError, type RecipeContext} from './load.js'
import {RenderedRecipeSchema, isHttpUrl, type RawRecipe, type Recipe, type RecipeInput} from './schema.js'
import {withoutEmptyHosts} from './proxy-schema.js'
import {mapStrings} from './string-leaves.js'
import {renderTemplate, undefinedVariable} from './template.js'

/** Renders every string value of the recipe for one app and release, then checks the formats again. */
export function renderRecipe(raw: RawRecipe, context: RecipeContext): Recipe {
  const rendered = renderStrings(raw, raw, context)
  rendered.proxy = withoutEmptyHosts(rendered.proxy)
  // An optional hostname input left empty means "no host": the catch-all route.
  if (rendered.proxy.host?.trim() === '') delete rendered.proxy.host
  const result = check(RenderedRecipeSchema, rendered)
  if (!result.ok) throw renderError(raw, context, result.problems)
  return result.value as Recipe
}

/** The inputs with their descriptions and defaults rendered, to ask for them (they may use app.name). */
export function renderInputs(raw: RawRecipe, context: Pick<RecipeContext, 'app'>): RecipeInput[] {
  return renderStrings(raw, {inputs: raw.inputs}, context).inputs
}

/** The feed URL and key, and the image repository its releases must be in: needed before a release is chosen. */
export function renderFeed(
  raw: RawRecipe,
  context: Pick<RecipeContext, 'app' | 'inputs' | 'secrets'>,
): {url: string; key?: string; image: string} {
  const {feed, feedKey, image} = renderStrings(raw, {feed: raw.feed, feedKey: raw.feedKey, image: raw.image}, context)
  if (!isHttpUrl(feed)) throw renderError(raw, context, [problemAt(['feed'], `${JSON.stringify(feed)} is not an http(s) URL`)])
  return {url: feed, key: feedKey, image}
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
