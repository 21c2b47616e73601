/**
 * The recipe as written in `recipe.yml`, before its string values are rendered. Objects are strict so
 * that a typo is an error rather than a silently ignored key.
 */
import semver from 'semver'
import {z} from 'zod'
import {describeValue} from './issues.js'
import {parseDuration} from './duration.js'
import {isEd25519PublicKey} from '../keys/public-key.js'
import {RequirementsSchema} from './requirements.js'
import {PROXY_DEFAULT, proxySchema} from './proxy-schema.js'

const RECIPE_NAME = /^[a-z0-9][a-z0-9-]{0,39}$/
const INPUT_NAME = /^[a-z_][a-z0-9_]*$/
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const VOLUME_NAME = /^[a-z0-9][a-z0-9_.-]*$/
/** Accessory names become container and host names (`<app>-<name>`), so they stay DNS-safe. */
const ACCESSORY_NAME = /^[a-z0-9][a-z0-9-]{0,23}$/
const TASK_NAME = /^[a-z][a-z0-9_:-]{0,39}$/
/** Process names become container names (`<app>-<key>-<name>-<replica>`); `web` is the app itself. */
const PROCESS_NAME = /^(?!web$)[a-z][a-z0-9-]{0,23}$/

/** A string with a Handlebars expression in it can only be checked once rendered. */
export function hasTemplate(value: string): boolean {
  return value.includes('{{')
}

export {isHostList} from './hosts.js'

export function isHttpUrl(value: string): boolean {
  return URL.canParse(value) && ['http:', 'https:'].includes(new URL(value).protocol)
}

function compilesAsRegExp(value: string): boolean {
  try {
    new RegExp(value)
    return true
  } catch {
    return false
  }
}

/** A string that must match `pattern`; `what` completes `"<value>" is not ...`. */
function matching(pattern: RegExp, what: string) {
  return z.string().regex(pattern, {error: (issue) => `${describeValue(issue.input)} is not ${what}`})
}

const duration = z.string().refine((value) => (parseDuration(value) ?? 0) > 0, {
  error: (issue) => `${describeValue(issue.input)} is not a duration (e.g. 1s, 500ms, 1m30s)`,
})
const port = z.number().int().min(1).max(65535)
const absolutePath = matching(/^\//, 'an absolute path (it must start with /)')
const nonEmpty = z.string().min(1)
const command = z.array(z.string()).min(1)

const VolumeSchema = z.strictObject({
  name: matching(VOLUME_NAME, 'a valid volume name (lowercase letters, digits, _ . -)'),
  path: absolutePath,
})

const EnvSchema = z.record(matching(ENV_NAME, 'a valid environment variable name'), z.string())

const SecretSchema = z.strictObject({
  generate: z.enum(['hex', 'base64url', 'alphanumeric']),
  length: z.number().int().min(16).max(256),
})

const HookSchema = z.strictObject({name: nonEmpty, run: command})

/** A string that must pass `test` once rendered; `what` completes `"<value>" is not ...`. */
function formatter(rendered: boolean) {
  return (test: (value: string) => boolean, what: string) =>
    z.string().refine((value) => (!rendered && hasTemplate(value)) || test(value), {
      error: (issue) => `${describeValue(issue.input)} is not ${what}`,
    })
}

function inputSchema(rendered: boolean) {
  return z
    .strictObject({
      name: matching(INPUT_NAME, 'a valid input name (lowercase letters, digits and _)'),
      description: z.string().optional(),
      required: z.boolean().default(false),
      pattern: z
        .string()
        .refine(compilesAsRegExp, {error: (issue) => `${describeValue(issue.input)} is not a valid regular expression`})
        .optional(),
      /** Shown to the customer instead of the regular expression, e.g. "at least 8 characters". */
      patternMessage: nonEmpty.optional(),
      default: z.string().optional(),
      secret: z.boolean().default(false),
      /** The release that first asks for this input: update plans list it under that release. */
      since: z
        .string()
        .refine((version) => semver.valid(version) !== null, {error: (issue) => `${describeValue(issue.input)} is not semver`})
        .transform((version) => semver.valid(version)!)
        .optional(),
    })
    .refine((input) => !defaultBreaksPattern(input, rendered), {path: ['default'], error: "does not match the input's pattern"})
    .refine((input) => input.patternMessage === undefined || input.pattern !== undefined, {
      path: ['patternMessage'],
      error: 'needs a pattern (it is shown when a value does not match it)',
    })
}

/**
 * How discode stops a container: the signal, then SIGKILL after `timeout` (the app's clean-shutdown
 * budget). Unset, the image's STOPSIGNAL and a timeout that fits the process (src/lifecycle/stop-policy.ts).
 */
function stopSchema() {
  return z
    .strictObject({
      signal: matching(/^SIG[A-Z0-9+-]+$/, 'a signal name (e.g. SIGTERM, SIGQUIT, SIGINT)').optional(),
      timeout: duration.optional(),
    })
    .optional()
}

/** A command line: a string split on spaces, or a list; never a template (argv is visible to `ps`). */
const commandLine = z.union([nonEmpty, command]).refine((line) => ![line].flat().some(hasTemplate), {
  error: "must not hold a template ({{...}}): the process gets the app's env (and secrets) from its container",
})

/** A named process run from the release's image beside the web (see src/lifecycle/processes). */
const ProcessSchema = z
  .strictObject({
    command: commandLine,
    replicas: z.number().int().min(1).max(20).default(1),
    /** At most one runs at any time: the old one stops before the new one starts (a scheduler). */
    singleton: z.boolean().default(false),
    /** Added to (and overriding) the web's env. */
    env: EnvSchema.default({}),
    stop: stopSchema(),
    /** Healthy when `command` exits 0 in the container; without one, when it still runs after `settle`. */
    health: z
      .strictObject({command: commandLine.optional(), timeout: duration.default('60s'), settle: duration.default('3s')})
      .default({timeout: '60s', settle: '3s'}),
  })
  .refine((process) => !process.singleton || process.replicas === 1, {path: ['replicas'], error: 'must be 1 for a singleton'})

function accessorySchema(urlPath: ReturnType<ReturnType<typeof formatter>>) {
  /** Accessory health: a command run in the container, or an HTTP path probed on its port. */
  const AccessoryHealthSchema = z
    .strictObject({cmd: command.optional(), path: urlPath.optional()})
    .refine((health) => (health.cmd === undefined) !== (health.path === undefined), {error: 'set either cmd or path'})
    .transform((health): {cmd: string[]} | {path: string} => (health.cmd ? {cmd: health.cmd} : {path: health.path!}))
  return z
    .strictObject({
      image: nonEmpty,
      port: port.optional(),
      env: EnvSchema.default({}),
      volumes: z.array(VolumeSchema).default([]),
      command: command.optional(),
      health: AccessoryHealthSchema.optional(),
      /** Docker's --init: a tiny PID 1 that forwards signals (for servers that ignore SIGTERM as PID 1). */
      init: z.boolean().default(false),
      // A database must be given time to flush on stop: 30 s unless the recipe says otherwise.
      stop: stopSchema(),
      /** A consistent dump (stdout) and its restore (stdin), run in the accessory; see docs/vendors.md. */
      backup: z.strictObject({dump: command, restore: command}).optional(),
    })
    .refine((accessory) => !(accessory.health && 'path' in accessory.health) || accessory.port !== undefined, {
      path: ['port'],
      error: 'is required when health.path is set (the check is made over HTTP on this port)',
    })
}

/**
 * The recipe schema. Values that may hold a template can only be checked once rendered: `rendered`
 * false skips those checks for templated values (validation time), true applies them to every value.
 */
function recipeSchema(rendered: boolean) {
  const formatted = formatter(rendered)
  const urlPath = formatted((value) => value.startsWith('/'), 'a path (it must start with /)')
  const InputSchema = inputSchema(rendered)
  const AccessorySchema = accessorySchema(urlPath)

  const HealthSchema = z.strictObject({
    path: urlPath.default('/up'),
    interval: duration.default('1s'),
    timeout: duration.default('5s'),
    deployTimeout: duration.default('30s'),
  })

  const ProxySchema = proxySchema({formatted, duration})

  return z.strictObject({
    name: matching(RECIPE_NAME, 'a valid recipe name (lowercase letters, digits and -, at most 40)'),
    title: z.string().optional(),
    image: nonEmpty,
    port: port.default(80),
    health: HealthSchema.default({path: '/up', interval: '1s', timeout: '5s', deployTimeout: '30s'}),
    feed: formatted(isHttpUrl, 'an http(s) URL'),
    feedKey: formatted(
      isEd25519PublicKey,
      'an ed25519 public key (the one base64 line of feed.pub, written by `discode feed keygen`)',
    ).optional(),
    /** Credentials for the image's registry, usually from secret inputs (e.g. the customer's license key). */
    registry: z.strictObject({username: nonEmpty, password: nonEmpty}).optional(),
    inputs: z.array(InputSchema).default([]),
    secrets: z.record(matching(INPUT_NAME, 'a valid secret name (lowercase letters, digits and _)'), SecretSchema).default({}),
    env: EnvSchema.default({}),
    volumes: z.array(VolumeSchema).default([]),
    proxy: ProxySchema.default(PROXY_DEFAULT),
    accessories: z
      .record(matching(ACCESSORY_NAME, 'a valid accessory name (lowercase letters, digits and -, at most 24)'), AccessorySchema)
      .default({}),
    /** Docker's --init: a tiny PID 1 that forwards signals (for servers that ignore SIGTERM as PID 1). */
    init: z.boolean().default(false),
    stop: stopSchema(),
    strategy: z.enum(['bluegreen', 'pause']).default('bluegreen'),
    pause: z.strictObject({maxPause: duration.default('30s')}).default({maxPause: '30s'}),
    /** live: volumes are copied while the app serves; pause: requests are held during the copy. */
    backup: z.strictObject({consistency: z.enum(['live', 'pause']).default('live')}).default({consistency: 'live'}),
    hooks: z
      .strictObject({
        preSwitch: z.array(HookSchema).default([]),
        postSwitch: z.array(HookSchema).default([]),
        /** Reverse migrations, run in the image being left by a rollback. */
        preRollback: z.array(HookSchema).default([]),
      })
      .default({preSwitch: [], postSwitch: [], preRollback: []}),
    /** What the host must offer; `discode preflight` and `install` check it (src/support/preflight.ts). */
    requirements: RequirementsSchema.optional(),
    /** Named one-off commands for customers (`discode run APP NAME`): never templates, so never secrets. */
    tasks: z
      .record(
        matching(TASK_NAME, 'a valid task name (lowercase letters, digits, _ : -)'),
        z.union([nonEmpty, command]).refine((task) => ![task].flat().some(hasTemplate), {
          error: "must not hold a template ({{...}}): a task gets the app's env (and secrets) from its container",
        }),
      )
      .default({}),
    /** Named processes (workers, a scheduler) run from the release's image with their own command. */
    processes: z
      .record(matching(PROCESS_NAME, 'a valid process name (lowercase letters, digits and -, at most 24; not web)'), ProcessSchema)
      .default({}),
    /** `expand-only`: older releases run on newer data, so a plain rollback needs no data choice. */
    migrations: z.enum(['expand-only']).optional(),
    /** On a Swarm cluster (`install --cluster`): replicas of each release unless --replicas says otherwise. */
    cluster: z.strictObject({replicas: z.number().int().min(1).max(100)}).optional(),
  })
}

// Refinements run even when a field already failed, hence the defensive checks.
function defaultBreaksPattern(input: {pattern?: unknown; default?: unknown}, rendered: boolean): boolean {
  if (typeof input.pattern !== 'string' || typeof input.default !== 'string') return false
  if ((!rendered && hasTemplate(input.default)) || !compilesAsRegExp(input.pattern)) return false
  return !new RegExp(input.pattern).test(input.default)
}

/** The raw recipe: templated values are checked after rendering. */
export const RecipeSchema = recipeSchema(false)
/** The same recipe once rendered: every value must now have its format. */
export const RenderedRecipeSchema = recipeSchema(true)

/** A recipe as parsed from `recipe.yml`, defaults applied, string values still templates. */
export type RawRecipe = z.output<typeof RecipeSchema>

declare const rendered: unique symbol
/**
 * A recipe whose string values have been rendered for one app and release. Branded so that a raw
 * recipe (whose values are still templates) cannot be deployed by mistake: only renderRecipe makes one.
 */
export type Recipe = RawRecipe & {readonly [rendered]: true}

export type RecipeInput = RawRecipe['inputs'][number]
export type RecipeSecret = RawRecipe['secrets'][string]
export type RecipeAccessory = RawRecipe['accessories'][string]
export type RecipeHook = RawRecipe['hooks']['preSwitch'][number]
export type RecipeProcess = RawRecipe['processes'][string]
