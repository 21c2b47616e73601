/**
 * Plan: the whole update from the gathered facts (facts.ts), decided once. For each hop of the
 * upgrade path: its release, the inputs it is deployed with (and the new ones it brings), its hooks,
 * what it does to the accessories, whether the data is saved first; and why the whole plan cannot be
 * carried out, if it cannot. Pure: `update --check` prints it, apply.ts carries out this very value.
 */
import semver from 'semver'

import type {ContainerInfo} from '../docker/docker.js'
import type {Release} from '../feed/feed.js'
import {type AccessoryChanges, accessoryChanges} from '../lifecycle/accessories/changes.js'
import {ACCESSORY_LABELS, accessoryContainerName, accessoryHash} from '../lifecycle/accessories/spec.js'
import {missingInputHint, type SettledInput} from '../lifecycle/inputs.js'
import type {PlanBlocker} from '../lifecycle/facts.js'
import {LABELS} from '../names/names.js'
import {snapshotTrigger} from '../lifecycle/snapshot-step.js'
import {renderFor} from '../recipes/installed.js'
import type {Recipe} from '../recipes/schema.js'
import {type LaterRollback, laterRollback} from '../lifecycle/data-compat.js'
import type {Facts, UpdateRequest} from './facts.js'
import {type PathProblem, planPath, type UpgradePath} from './path.js'

export interface PlannedInput {
  name: string
  description?: string
  default?: string
  required: boolean
  secret: boolean
  /** given: by --set/--set-file; default: the recipe's default will be used; missing: blocks the plan. */
  source: 'given' | 'default' | 'missing'
}

export type {AccessoryChanges}
export {accessoryChanges}

export type SnapshotTrigger = 'pre-update' | 'pre-accessories'

export interface PlannedHop {
  version: string
  image: string
  channel: string
  notes?: string
  required: boolean
  minimumFrom?: string
  /** The plain (non-secret) input values the hop is deployed with. */
  inputs: Record<string, string>
  newInputs: PlannedInput[]
  hooks: {preSwitch: string[]; postSwitch: string[]}
  accessories: AccessoryChanges
  /** Bytes to download for the image; 0 when already on the host; null when not known (not measured by apply). */
  imageBytes: number | null
  /** A data snapshot is taken before the hop (a migration, or accessories replaced; not with --no-snapshot). */
  snapshot: boolean
  snapshotTrigger?: SnapshotTrigger
  /** What a later rollback from this release to the current one needs: a data choice only where the vendor declared nothing. */
  rollback: LaterRollback
}

export type {PlanBlocker}

/** With nothing newer: what the update still repairs for the serving release. */
export interface PlannedRefresh {
  accessories: AccessoryChanges
  snapshot: boolean
  snapshotTrigger?: SnapshotTrigger
  /** The serving release is deployed to the proxy again (the proxy lost the route, or a new certificate). */
  reroute: boolean
}

export interface UpdatePlan {
  app: string
  current: string
  /** The release the plan ends at; null when up to date. */
  target: string | null
  hops: PlannedHop[]
  /** Only when there are no hops and no blockers. */
  refresh?: PlannedRefresh
  /** Reasons the plan cannot be carried out; nothing runs while there are any. */
  blockers: PlanBlocker[]
}

/** The whole update, decided from the facts; every blocker is found before anything runs. */
export function planUpdate(facts: Facts, request: UpdateRequest): UpdatePlan {
  const {app, record, raw} = facts
  const path = upgradePath(facts, request)
  const newInputs = newInputsByHop(facts.inputs, path.hops, facts.kept)
  const replace = Boolean(request.accessories)
  const skip = request.snapshot === false
  const render = (release: {version: string; image: string}, inputs = facts.plain): Recipe | undefined => {
    try {
      return renderFor(app, raw, inputs, facts.secrets, release)
    } catch {
      return undefined
    }
  }
  let containers = facts.accessories
  const hops = path.hops.map((release, index): PlannedHop => {
    const recipe = render(release)
    const accessories = accessoryChanges(app, recipe, containers, replace)
    containers = recipe ? runningAfter(app, recipe, containers, replace) : containers
    const trigger = snapshotTrigger({kind: 'update', recipe: raw, replaceAccessories: replace && accessories.changed.length > 0, skip})
    return {
      ...hopRelease(release),
      inputs: facts.plain,
      newInputs: newInputs[index] ?? [],
      hooks: {preSwitch: raw.hooks.preSwitch.map((hook) => hook.name), postSwitch: raw.hooks.postSwitch.map((hook) => hook.name)},
      accessories,
      imageBytes: null,
      snapshot: trigger !== undefined,
      ...(trigger ? {snapshotTrigger: trigger} : {}),
      rollback: laterRollback(path.from, release, raw),
    }
  })
  const blockers = planBlockers(hops, path.problem)
  const plan: UpdatePlan = {app, current: path.from, target: path.target?.version ?? null, hops, blockers}
  if (hops.length > 0 || blockers.length > 0) return plan
  const accessories = accessoryChanges(app, render(record.current, record.inputs), facts.accessories, replace)
  const trigger: SnapshotTrigger | undefined = replace && !skip && accessories.changed.length > 0 ? 'pre-accessories' : undefined
  const refresh = {accessories, snapshot: trigger !== undefined, ...(trigger ? {snapshotTrigger: trigger} : {})}
  return {...plan, refresh: {...refresh, reroute: !facts.routed || Boolean(request.reroute)}}
}

function upgradePath(facts: Facts, request: UpdateRequest): UpgradePath {
  const current = facts.record.current.version
  if (!request.target) return planPath(facts.feed.feed, current, request)
  const to = request.target(facts.feed.feed, current)
  return to === undefined ? {from: current, hops: []} : planPath(facts.feed.feed, current, {to})
}

function hopRelease(release: Release) {
  return {
    version: release.version,
    image: release.image,
    channel: release.channel,
    ...(release.notes ? {notes: release.notes} : {}),
    required: release.required,
    ...(release.minimumFrom ? {minimumFrom: release.minimumFrom} : {}),
  }
}

/**
 * The recipe inputs the app has no value for yet (settled by inputValues), each given to the first
 * hop at or above its `since` (the release that first asks for it; without one, the first hop).
 */
export function newInputsByHop(inputs: SettledInput[], hops: Pick<Release, 'version'>[], kept: ReadonlySet<string>): PlannedInput[][] {
  const byHop: PlannedInput[][] = hops.map(() => [])
  if (hops.length === 0) return byHop
  for (const {input, source} of inputs) {
    if (kept.has(input.name)) continue
    const since = input.since
    const at =
      since === undefined
        ? 0
        : Math.max(
            0,
            hops.findIndex((hop) => semver.gte(hop.version, since)),
          )
    byHop[at].push({
      name: input.name,
      ...(input.description ? {description: input.description} : {}),
      ...(input.default !== undefined && !input.secret ? {default: input.default} : {}),
      required: input.required,
      secret: input.secret,
      source: source === 'given' || source === 'missing' ? source : 'default',
    })
  }
  return byHop
}

/** The accessory containers once a hop is applied: as its recipe declares them (orphans kept without --accessories). */
function runningAfter(app: string, recipe: Recipe, before: ContainerInfo[], replace: boolean): ContainerInfo[] {
  const declared = Object.entries(recipe.accessories).map(
    ([name, accessory]): ContainerInfo =>
      ({
        Names: [`/${accessoryContainerName(app, name)}`],
        Image: accessory.image,
        State: 'running',
        Labels: {[LABELS.app]: app, [ACCESSORY_LABELS.accessory]: name, [ACCESSORY_LABELS.hash]: accessoryHash(accessory)},
      }) as unknown as ContainerInfo,
  )
  const orphans = replace ? [] : before.filter((c) => !Object.hasOwn(recipe.accessories, c.Labels[ACCESSORY_LABELS.accessory]))
  return [...declared, ...orphans]
}

function planBlockers(hops: PlannedHop[], problem: PathProblem | undefined): PlanBlocker[] {
  const found: PlanBlocker[] = problem ? [problem] : []
  for (const hop of hops) {
    const missing = hop.newInputs.filter((input) => input.source === 'missing')
    if (missing.length > 0) {
      found.push({
        code: 'MISSING_INPUT',
        message: `${hop.version} asks for the new required input(s) ${missing.map((input) => input.name).join(', ')}, which have no default`,
        hint: `Give them with ${missingInputHint(missing)}`,
      })
    }
    // A changed accessory is shown in the hop, not a blocker: the update itself refuses it before
    // anything changes, naming the images, and says how to go on (--accessories).
  }
  return found
}
