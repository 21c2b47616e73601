/**
 * An update plan: for each hop of the upgrade path, what it brings (notes, new inputs, hooks,
 * accessory changes, image size, snapshot) and why the whole plan cannot be carried out, if it
 * cannot. Pure: the impure gathering (feed, recipe, Docker, registry) is in plan-app.ts.
 */
import semver from 'semver'

import type {Release} from '../feed/feed.js'
import type {RawRecipe, RecipeInput} from '../recipes/schema.js'
import {type LaterRollback, laterRollback} from '../lifecycle/data-compat.js'
import type {PathProblem, UpgradePath} from './path.js'

export interface PlannedInput {
  name: string
  description?: string
  default?: string
  required: boolean
  secret: boolean
  /** given: by --set/--set-file; default: the recipe's default will be used; missing: blocks the plan. */
  source: 'given' | 'default' | 'missing'
}

export interface AccessoryChanges {
  added: string[]
  removed: string[]
  /** Running ones whose definition changes: replaced only with --accessories. */
  changed: string[]
}

export interface PlannedHop {
  version: string
  image: string
  channel: string
  notes?: string
  required: boolean
  minimumFrom?: string
  newInputs: PlannedInput[]
  hooks: {preSwitch: string[]; postSwitch: string[]}
  accessories: AccessoryChanges
  /** Bytes to download for the image; 0 when already on the host; null when it cannot be known cheaply. */
  imageBytes: number | null
  /** A data snapshot is taken before the hop (it runs preSwitch hooks, which may migrate data). */
  snapshot: boolean
  /** What a later rollback from this release to the current one needs: a data choice only where the vendor declared nothing. */
  rollback: LaterRollback
}

export interface PlanBlocker {
  code: string
  message: string
  hint: string
}

export interface UpdatePlan {
  app: string
  current: string
  /** The release the plan ends at; null when up to date. */
  target: string | null
  hops: PlannedHop[]
  /** Reasons the plan cannot be carried out; nothing runs while there are any. */
  blockers: PlanBlocker[]
}

/** A snapshot is taken before every hop that runs a preSwitch hook (hooks are where data migrates). */
export function snapshotBeforeHop(recipe: {hooks: Pick<RawRecipe['hooks'], 'preSwitch' | 'postSwitch'>}): boolean {
  return recipe.hooks.preSwitch.length > 0
}

/**
 * The recipe inputs the app has no value for yet, each given to the first hop at or above its
 * `since` (the release that first asks for it; without one, the first hop).
 */
export function newInputsByHop(
  inputs: RecipeInput[],
  hops: Pick<Release, 'version'>[],
  kept: ReadonlySet<string>,
  given: ReadonlySet<string>,
): PlannedInput[][] {
  const byHop: PlannedInput[][] = hops.map(() => [])
  if (hops.length === 0) return byHop
  for (const input of inputs) {
    if (kept.has(input.name)) continue
    const since = input.since
    const at =
      since === undefined
        ? 0
        : Math.max(
            0,
            hops.findIndex((hop) => semver.gte(hop.version, since)),
          )
    const source = given.has(input.name) ? 'given' : input.default !== undefined ? 'default' : input.required ? 'missing' : 'default'
    byHop[at].push({
      name: input.name,
      ...(input.description ? {description: input.description} : {}),
      ...(input.default !== undefined && !input.secret ? {default: input.default} : {}),
      required: input.required,
      secret: input.secret,
      source,
    })
  }
  return byHop
}

export interface PlanFacts {
  app: string
  path: UpgradePath
  recipe: {hooks: Pick<RawRecipe['hooks'], 'preSwitch' | 'postSwitch'> & {preRollback?: unknown[]}; migrations?: 'expand-only'}
  newInputs: PlannedInput[][]
  accessories: AccessoryChanges[]
  imageBytes: (number | null)[]
  /** --accessories was given: changed accessories will be replaced. */
  replaceAccessories: boolean
}

/** The plan from what was gathered; every blocker is found before anything runs. */
export function buildPlan(facts: PlanFacts): UpdatePlan {
  const {app, path, recipe} = facts
  const hops = path.hops.map((release, index): PlannedHop => ({
    version: release.version,
    image: release.image,
    channel: release.channel,
    ...(release.notes ? {notes: release.notes} : {}),
    required: release.required,
    ...(release.minimumFrom ? {minimumFrom: release.minimumFrom} : {}),
    newInputs: facts.newInputs[index] ?? [],
    hooks: {preSwitch: recipe.hooks.preSwitch.map((hook) => hook.name), postSwitch: recipe.hooks.postSwitch.map((hook) => hook.name)},
    accessories: facts.accessories[index] ?? {added: [], removed: [], changed: []},
    imageBytes: facts.imageBytes[index] ?? null,
    snapshot: snapshotBeforeHop(recipe),
    rollback: laterRollback(path.from, release, recipe),
  }))
  return {app, current: path.from, target: path.target?.version ?? null, hops, blockers: blockers(hops, path.problem)}
}

function blockers(hops: PlannedHop[], problem: PathProblem | undefined): PlanBlocker[] {
  const found: PlanBlocker[] = problem ? [problem] : []
  for (const hop of hops) {
    const missing = hop.newInputs.filter((input) => input.source === 'missing')
    if (missing.length > 0) {
      const flags = missing.map((input) => (input.secret ? `--set-file ${input.name}=PATH` : `--set ${input.name}=...`))
      found.push({
        code: 'MISSING_INPUT',
        message: `${hop.version} asks for the new required input(s) ${missing.map((input) => input.name).join(', ')}, which have no default`,
        hint: `Give them with ${flags.join(' ')}`,
      })
    }
    // A changed accessory is shown in the hop, not a blocker: the update itself refuses it before
    // anything changes, naming the images, and says how to go on (--accessories).
  }
  return found
}
