import {isDeepStrictEqual} from 'node:util'

import {DiscodeError} from '../errors.js'
import type {OfflineFeed} from '../feed/read.js'
import {recipeHosts} from '../proxy/deploy-args.js'
import {resolveRecipe} from '../recipes/resolve.js'
import {feedFor, registryCredentials} from '../recipes/installed.js'
import type {AppRecord} from '../state/store.js'
import {appRuntime} from './app-runtime.js'
import type {Engine} from './context.js'
import {deployRelease} from './deploy-release.js'
import type {DeployResult} from './go-live.js'
import {accessoryContainers, blockedError, readFeed} from './facts.js'
import {type InputPrompt, settledSecrets, settleInputValues, warnSecretsInArguments} from './inputs.js'
import {type InstallFacts, type InstallPlan, installRecipe, planInstall} from './install-plan.js'
import {validateAppName} from '../names/names.js'
import {type Operation, runOperation} from './operation.js'
import {reservedNameProblem, reservedNames} from './ownership.js'
import {bootProxy} from './proxy-steps.js'
import {reconcileApp} from './reconcile.js'
import {acceptedFeed, trustedFeed} from './release.js'

export interface InstallOptions {
  app: string
  /** Recipe name, qualified name or path; default: the app name. */
  recipe?: string
  set: Record<string, string>
  version?: string
  prompt?: InputPrompt
  /** Inputs whose values came in the process arguments (--set): secret ones get a warning. */
  inArguments?: string[]
  wait?: boolean
  /** Credentials for a private image registry, kept with the app's secrets for every later pull. */
  registry?: {username: string; password: string}
  /** --cluster: the app's releases run as Swarm services of `replicas` tasks (default: the recipe's, else 2). */
  cluster?: {replicas?: number}
  /** --allow-unsigned-feed: read an unsigned feed on another host (kept in the record; see src/feed/trust.ts). */
  allowUnsignedFeed?: boolean
  /** --bundle: the verified bundle's feed and loaded images (no feed fetch, no pull). */
  offline?: OfflineFeed
}

export interface InstallResult extends DeployResult {
  app: string
  recipe: {ref: string; source: string}
  hosts: string[]
  /** The app's path below its hosts (`proxy.pathPrefix`), if any. */
  pathPrefix?: string
  /** The plan that was applied. */
  plan: InstallPlan
}

/** The record of an app being installed (over what an earlier, unfinished install or a recovery left). */
function freshRecord(app: string, recipe: AppRecord['recipe'], inputs: Record<string, string>, earlier?: AppRecord): AppRecord {
  const now = new Date().toISOString()
  return {
    app,
    recipe,
    inputs,
    previous: [],
    installedAt: earlier?.installedAt ?? now,
    updatedAt: now,
    // A disaster recovery wrote the backup settings (an app that encrypts its snapshots goes on doing so).
    ...(earlier?.backup ? {backup: earlier.backup} : {}),
  }
}

/**
 * install: gather -> plan -> apply under one lock, as an update is. Gather: the recipe (resolved
 * once), inputs settled by the one precedence rule (asked at the prompt when interactive), the secrets
 * file and the feed read once, the accessories a failed install left; plan (install-plan.ts, pure):
 * the release, inputs, accessories, hooks, blockers; apply: secrets and the record written at once
 * (a retry reuses generated secrets), then the deploy an update also uses (deployRelease), with no
 * release serving before.
 */
export async function install(engine: Engine, options: InstallOptions): Promise<InstallResult> {
  const {app} = options
  validateAppName(app)
  if (app === engine.settings.proxyContainer) {
    throw new DiscodeError(`"${app}" is the proxy's name`, {hint: 'Choose another app name', code: 'BAD_APP_NAME'})
  }
  // An unknown recipe fails before the lock and the journal, so it leaves no apps/APP directory behind
  // (the record is looked at only when an unfinished install left one and no recipe is named).
  const ref = options.recipe ?? (engine.store.apps().includes(app) ? (await engine.store.read(app))?.recipe.ref : undefined) ?? app
  const chosen = resolveRecipe(ref, engine.recipeRoots)
  // Names that would address the proxy's container or state volume are refused before anything exists.
  const reserved = reservedNameProblem(app, chosen.raw, reservedNames(engine.settings))
  if (reserved) throw reserved
  return runOperation(engine, app, 'install', {wait: options.wait}, async (op) => {
    const facts = await gatherInstall(op, options, {ref, chosen})
    const plan = planInstall(facts, options)
    if (plan.blockers.length > 0) throw blockedError(plan.blockers[0])
    return applyInstall(engine, op, facts, plan, options)
  })
}

/** Gather: what the install decides from, read once under the lock (nothing is written). */
async function gatherInstall(
  op: Operation,
  options: InstallOptions,
  before: {ref: string; chosen: ReturnType<typeof resolveRecipe>},
): Promise<InstallFacts> {
  const {app, engine} = op
  const earlier = op.record
  if (earlier?.current) {
    throw new DiscodeError(`${app} is already installed (version ${earlier.current.version})`, {
      hint: `Update it with "discode update ${app}", or choose another app name`,
      code: 'ALREADY_INSTALLED',
    })
  }
  const ref = options.recipe ?? earlier?.recipe.ref ?? app
  // The recipe resolved before the lock, unless the record found under it names another one.
  const resolved = ref === before.ref ? before.chosen : resolveRecipe(ref, engine.recipeRoots)
  const {raw} = resolved
  warnSecretsInArguments(op.reporter, raw, options.inArguments)
  const storedSecrets = await engine.store.readSecrets(app)
  const inputs = await settleInputValues(raw, options.set, {...earlier?.inputs, ...storedSecrets.inputs}, app, options.prompt)
  const settled = settledSecrets(raw, inputs, storedSecrets)
  const secrets = options.registry ? {...settled.secrets, registry: options.registry} : settled.secrets
  const source = {...feedFor(app, raw, settled.plain, secrets), offline: options.offline}
  const trust = {app, installed: false, allowUnsigned: options.allowUnsignedFeed}
  // The feed's URL may use an input: it is not read while a required one is missing (the plan says which).
  const missing = inputs.some((s) => s.source === 'missing')
  const feed = missing ? undefined : await readFeed(op, source, trust, {newestAccepted: earlier?.feedPublished})
  const recipe = {raw, dir: resolved.dir, source: resolved.source}
  return {
    app,
    earlier,
    ref,
    recipe,
    inputs,
    plain: settled.plain,
    secrets,
    storedSecrets,
    feed,
    signed: Boolean(source.key),
    accessories: await accessoryContainers(op),
  }
}

/** Apply: secrets and the record (with the feed's trust and a cluster's settings) written at once, then the deploy. */
async function applyInstall(
  engine: Engine,
  op: Operation,
  facts: InstallFacts,
  plan: InstallPlan,
  options: InstallOptions,
): Promise<InstallResult> {
  const {app} = op
  // The cluster's settings from the Engine as built (op.engine is a one-host app's until it is placed).
  const feed = facts.feed!
  const release = feed.feed.releases.find((r) => r.version === plan.release!.version)!
  const recipe = installRecipe(facts, release)
  if (!isDeepStrictEqual(facts.secrets, facts.storedSecrets)) await engine.store.writeSecrets(app, facts.secrets)
  const fresh = freshRecord(app, {ref: facts.ref, source: facts.recipe.source, dir: facts.recipe.dir}, facts.plain, facts.earlier)
  let record = trustedFeed(acceptedFeed(fresh, feed.published), feed.decision)
  const cluster = plan.replicas ? await engine.clusterSettings(engine, app, recipe, plan.replicas) : facts.earlier?.cluster
  if (cluster) record = {...record, cluster}
  await engine.store.write(record)
  const placed = await appRuntime(engine, app, record)
  const result = await deployFresh({...op, engine: placed.engine, record}, record, {
    recipe,
    release,
    signed: facts.signed,
    credentials: registryCredentials(recipe, facts.secrets),
    loaded: options.offline?.images,
    accessories: facts.accessories,
  })
  const hosts = recipeHosts(recipe)
  return {app, recipe: plan.recipe, hosts, pathPrefix: recipe.proxy.pathPrefix, plan, ...result}
}

/** An install that died after the switch left a serving container: it is adopted instead of started over. */
async function deployFresh(
  op: Operation,
  record: AppRecord,
  deploy: Omit<Parameters<typeof deployRelease>[1], 'record' | 'kind' | 'replaceAccessories'>,
): Promise<DeployResult> {
  await bootProxy(op)
  const adopted = (await reconcileApp(op, record)).record
  if (adopted.current) return {from: undefined, to: adopted.current, timings: op.timings}
  // Leftover accessories of a failed install are replaced.
  return deployRelease(op, {...deploy, record: adopted, kind: 'install', replaceAccessories: true})
}
