/**
 * Plan: an install decided once from the gathered facts (install.ts): the release chosen from the
 * feed read once, the inputs settled by the one precedence rule (inputValues, in gather) and the
 * missing-input rule, what it does to accessories a failed install left (the one accessory diff), its
 * hooks, a cluster's replicas; and why it cannot be carried out, if it cannot. Pure: the install
 * carries out this very value and `install --json` returns it.
 */
import type {ContainerInfo} from '../docker/docker.js'
import {chooseRelease, type Release} from '../feed/feed.js'
import type {TrustedFeed} from '../feed/read.js'
import {renderFor} from '../recipes/installed.js'
import type {LoadedRecipe} from '../recipes/installed.js'
import type {Recipe} from '../recipes/schema.js'
import type {AppRecord, SecretsRecord} from '../state/store.js'
import {DiscodeError} from '../errors.js'
import {type AccessoryChanges, accessoryChanges} from './accessories/changes.js'
import {blockerOf, type PlanBlocker} from './facts.js'
import {type InputSource, missingInputsError, type SettledInput} from './inputs.js'

/** What the customer asks of one install (`discode install` flags). */
export interface InstallRequest {
  /** Input values given with --set / --set-file. */
  set: Record<string, string>
  /** Install this release instead of the newest stable one. */
  version?: string
  /** --cluster: the app's releases run as Swarm services of `replicas` tasks (default: the recipe's, else 2). */
  cluster?: {replicas?: number}
}

/** Everything an install is planned from; gathered once under the lock. Holds secrets: never printed. */
export interface InstallFacts {
  app: string
  /** What an earlier, unfinished install or a recovery left (op.record), if anything. */
  earlier?: AppRecord
  ref: string
  recipe: LoadedRecipe & {source: string}
  /** Each input of the recipe, settled by the one precedence rule (given, kept, prompt, default). */
  inputs: SettledInput[]
  plain: Record<string, string>
  /** With the secret inputs and generated secrets (not written yet). */
  secrets: SecretsRecord
  storedSecrets: SecretsRecord
  /** The vendor's feed, read once; not read while a required input is missing (its URL may need it). */
  feed?: TrustedFeed
  signed: boolean
  /** Accessory containers a failed install left. */
  accessories: ContainerInfo[]
}

export interface InstallPlan {
  app: string
  recipe: {ref: string; source: string}
  /** The release to install; null when none can be chosen (a blocker says why). */
  release: {version: string; image: string; channel: string; notes?: string} | null
  /** Where each input's value comes from (names only: values may be secret). */
  inputs: {name: string; source: InputSource}[]
  /** What the install does to the accessories (leftovers of a failed install are replaced). */
  accessories: AccessoryChanges
  hooks: {preSwitch: string[]; postSwitch: string[]}
  /** With --cluster: the replicas of each release. */
  replicas?: number
  blockers: PlanBlocker[]
}

/** Replicas of a cluster app when neither --replicas nor the recipe says: one lost node still leaves one. */
export const DEFAULT_REPLICAS = 2

/** The recipe as the chosen release renders it (plan and apply render the same). */
export function installRecipe(facts: InstallFacts, release: Release): Recipe & {source: string} {
  return {...renderFor(facts.app, facts.recipe.raw, facts.plain, facts.secrets, release), source: facts.recipe.source}
}

/** The whole install, decided from the facts; every blocker is found before anything is written. */
export function planInstall(facts: InstallFacts, request: InstallRequest): InstallPlan {
  const {app, recipe} = facts
  const base = {
    app,
    recipe: {ref: facts.ref, source: recipe.source},
    release: null,
    inputs: facts.inputs.map(({input, source}) => ({name: input.name, source})),
    accessories: accessoryChanges(app, undefined, [], true),
    hooks: {
      preSwitch: recipe.raw.hooks.preSwitch.map((hook) => hook.name),
      postSwitch: recipe.raw.hooks.postSwitch.map((hook) => hook.name),
    },
  }
  const missing = facts.inputs.filter((s) => s.source === 'missing').map((s) => s.input)
  if (missing.length > 0) return {...base, blockers: [blockerOf(missingInputsError(missing))]}
  if (!facts.feed) throw new Error('planInstall: the feed was not gathered')
  let release: Release | undefined
  let rendered: Recipe
  try {
    release = chooseRelease(facts.feed.feed, {to: request.version})
    if (!release) return {...base, blockers: [blockerOf(noRelease(recipe.raw.name))]}
    rendered = installRecipe(facts, release)
  } catch (error) {
    return {...base, blockers: [blockerOf(error)]}
  }
  const replicas = request.cluster && (request.cluster.replicas ?? rendered.cluster?.replicas ?? DEFAULT_REPLICAS)
  return {
    ...base,
    release: {version: release.version, image: release.image, channel: release.channel, ...(release.notes ? {notes: release.notes} : {})},
    accessories: accessoryChanges(app, rendered, facts.accessories, true),
    ...(replicas ? {replicas} : {}),
    blockers: [],
  }
}

function noRelease(name: string): DiscodeError {
  return new DiscodeError(`The feed of ${name} lists no stable release`, {
    hint: 'Ask the vendor, or name a version with --version',
    code: 'NO_RELEASE',
  })
}
