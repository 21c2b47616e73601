import {DiscodeError} from '../errors.js'
import {generateSecret} from '../secrets/generate.js'
import {renderInputs} from '../recipes/render.js'
import type {RawRecipe} from '../recipes/schema.js'
import type {SecretsRecord} from '../state/store.js'
import type {Reporter} from './context.js'

export type RecipeInput = RawRecipe['inputs'][number]

/** Asks the user for one input (a TTY prompt); absent when discode must not ask (--yes, no TTY). */
export type InputPrompt = (input: RecipeInput) => Promise<string>

/** Where an input's value comes from: --set, an earlier install, the prompt, the recipe's default; or none. */
export type InputSource = 'given' | 'kept' | 'prompt' | 'default' | 'missing' | 'unset'

export interface SettledInput {
  input: RecipeInput
  value?: string
  source: InputSource
}

/**
 * The one precedence rule for inputs (install, update and `update --check` all use it): `--set`
 * values first, then values kept from an earlier install, then the prompt's answer, then the
 * default. A required input with none (or an empty one) is `missing`; an optional one `unset`.
 * Pure: `inputs` are rendered (`renderInputs`), `answers` already asked.
 */
export function inputValues(
  inputs: RecipeInput[],
  given: Record<string, string>,
  kept: Record<string, string>,
  answers: Record<string, string> = {},
): SettledInput[] {
  return inputs.map((input) => {
    const candidates: [InputSource, string | undefined][] = [
      ['given', given[input.name]],
      ['kept', kept[input.name]],
      // An empty answer at the prompt means "the default".
      ['prompt', answers[input.name] || undefined],
      ['default', input.default],
    ]
    const [source, value] = candidates.find(([, candidate]) => candidate !== undefined) ?? ['unset', undefined]
    if (value === undefined || (value === '' && input.required)) return {input, source: input.required ? 'missing' : 'unset'}
    return {input, value, source}
  })
}

/** The missing-input rule's words: the inputs named, and how to give each (a secret one from a file). */
export function missingInputHint(missing: Pick<RecipeInput, 'name' | 'secret'>[]): string {
  // A secret one from a file: --set would put it in the process list.
  return missing.map((input) => (input.secret ? `--set-file ${input.name}=PATH` : `--set ${input.name}=...`)).join(' ')
}

/** Unknown `--set` keys and values that do not match the recipe's pattern: errors naming the inputs. */
export function assertInputsValid(recipe: RawRecipe, given: Record<string, string>, settled: SettledInput[]): void {
  const known = new Set(recipe.inputs.map((i) => i.name))
  const unknown = Object.keys(given).filter((name) => !known.has(name))
  if (unknown.length > 0) {
    throw new DiscodeError(`Unknown input(s) for recipe ${recipe.name}: ${unknown.join(', ')}`, {
      hint: `This recipe takes: ${[...known].join(', ') || 'no inputs'}`,
      code: 'BAD_INPUT',
    })
  }
  for (const {input, value} of settled) {
    if (value === undefined || !input.pattern || new RegExp(input.pattern).test(value)) continue
    const why = input.patternMessage ?? `does not match the pattern ${input.pattern}`
    throw new DiscodeError(`Input ${input.name} ${why}`, {
      hint: input.description ? `${input.name}: ${input.description}` : `Pass a matching value with --set ${input.name}=...`,
      code: 'BAD_INPUT',
    })
  }
}

/**
 * Settles every input of the recipe by the one precedence rule (inputValues), asking at the prompt
 * for those neither given nor kept. Unknown `--set` keys and values that do not match the recipe's
 * pattern are errors that name the inputs; a required one without a value comes back `missing` (a
 * plan blocks on it: missingInputsError).
 */
export async function settleInputValues(
  recipe: RawRecipe,
  given: Record<string, string>,
  kept: Record<string, string>,
  app: string,
  prompt?: InputPrompt,
): Promise<SettledInput[]> {
  assertInputsValid(recipe, given, [])
  // Input descriptions and defaults may use {{app.name}}.
  const inputs = renderInputs(recipe, {app: {name: app}})
  const answers: Record<string, string> = {}
  if (prompt) {
    for (const input of inputs) {
      if (given[input.name] === undefined && kept[input.name] === undefined) answers[input.name] = await prompt(input)
    }
  }
  const settled = inputValues(inputs, given, kept, answers)
  assertInputsValid(recipe, given, settled)
  return settled
}

/** The missing-input rule's refusal: the required inputs without a value, and how to give each. */
export function missingInputsError(missing: Pick<RecipeInput, 'name' | 'secret'>[]): DiscodeError {
  return new DiscodeError(`Missing required input(s): ${missing.map((input) => input.name).join(', ')}`, {
    hint: `Pass them with ${missingInputHint(missing)} (or run on a terminal to be asked)`,
    code: 'MISSING_INPUT',
  })
}

/** settleInputValues, where a missing required input is an error: the values by name. */
export async function resolveInputs(
  recipe: RawRecipe,
  given: Record<string, string>,
  kept: Record<string, string>,
  app: string,
  prompt?: InputPrompt,
): Promise<Record<string, string>> {
  const settled = await settleInputValues(recipe, given, kept, app, prompt)
  const missing = settled.filter((s) => s.source === 'missing').map((s) => s.input)
  if (missing.length > 0) throw missingInputsError(missing)
  return settledValues(settled)
}

function settledValues(settled: SettledInput[]): Record<string, string> {
  return Object.fromEntries(settled.flatMap((s) => (s.value === undefined ? [] : [[s.input.name, s.value]])))
}

/**
 * The settled inputs as a deploy keeps them: plain ones (the record's) and the secrets (secret inputs
 * and generated secrets: kept ones never regenerated, new ones made). Writes nothing.
 */
export function settledSecrets(
  recipe: RawRecipe,
  settled: SettledInput[],
  stored: SecretsRecord,
): {plain: Record<string, string>; secrets: SecretsRecord} {
  const {plain, secret} = splitSecretInputs(recipe, settledValues(settled))
  return {plain, secrets: ensureGeneratedSecrets(recipe, {...stored, inputs: secret})}
}

/** Splits settled inputs into plain ones and those marked secret (kept in the 0600 secrets file). */
export function splitSecretInputs(
  recipe: RawRecipe,
  values: Record<string, string>,
): {plain: Record<string, string>; secret: Record<string, string>} {
  const plain: Record<string, string> = {}
  const secret: Record<string, string> = {}
  for (const input of recipe.inputs) {
    if (values[input.name] === undefined) continue
    ;(input.secret ? secret : plain)[input.name] = values[input.name]
  }
  return {plain, secret}
}

/** Generates the recipe's secrets that do not exist yet; existing ones are never regenerated. */
export function ensureGeneratedSecrets(recipe: RawRecipe, secrets: SecretsRecord): SecretsRecord {
  const generated = {...secrets.generated}
  for (const [name, spec] of Object.entries(recipe.secrets)) generated[name] ??= generateSecret(spec)
  return {...secrets, generated}
}

/**
 * A secret input given with --set sat in this run's process arguments, which every user of the server
 * can read (`ps`): the user is told, with the way that does not show it.
 */
export function warnSecretsInArguments(reporter: Reporter, recipe: RawRecipe, inArguments: string[] = []): void {
  for (const input of recipe.inputs) {
    if (input.secret && inArguments.includes(input.name)) {
      reporter.warn(
        `${input.name} is a secret input: given with --set, it showed in this server's process list while discode ran; give it with --set-file ${input.name}=PATH instead`,
      )
    }
  }
}
