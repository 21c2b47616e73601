import {DiscodeError} from '../errors.js'
import type {OfflineFeed} from '../feed/read.js'
import {recipeHosts} from '../proxy/deploy-args.js'
import {resolveRecipe} from '../recipes/resolve.js'
import {feedFor, registryCredentials, renderFor} from '../recipes/installed.js'
import type {AppRecord} from '../state/store.js'
import {appRuntime} from './app-runtime.js'
import type {Engine} from './context.js'
import {deployRelease} from './deploy-release.js'
import type {DeployResult} from './go-live.js'
import {type InputPrompt, settleInputs, warnSecretsInArguments} from './inputs.js'
import {validateAppName} from '../names/names.js'
import {type Operation, runOperation} from './operation.js'
import {reservedNameProblem, reservedNames} from './ownership.js'
import {bootProxy} from './proxy-steps.js'
import {reconcileApp} from './reconcile.js'
import {acceptedFeed, findRelease, trustedFeed} from './release.js'

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

/** Replicas of a cluster app when neither --replicas nor the recipe says: one lost node still leaves one. */
const DEFAULT_REPLICAS = 2

/**
 * install: settle inputs and secrets (kept at once, so a retry reuses them), read the feed, boot the
 * proxy, then the same deploy as an update, with no release serving before (see deployRelease).
 */
export async function install(engine: Engine, options: InstallOptions): Promise<InstallResult> {
  const {app} = options
  validateAppName(app)
  if (app === engine.settings.proxyContainer) {
    throw new DiscodeError(`"${app}" is the proxy's name`, {hint: 'Choose another app name', code: 'BAD_APP_NAME'})
  }
  // An unknown recipe fails before the lock and the journal, so it leaves no apps/APP directory behind.
  const chosen = resolveRecipe(options.recipe ?? (await engine.store.read(app))?.recipe.ref ?? app, engine.recipeRoots)
  // Names that would address the proxy's container or state volume are refused before anything exists.
  const reserved = reservedNameProblem(app, chosen.raw, reservedNames(engine.settings))
  if (reserved) throw reserved
  return runOperation(engine, app, 'install', {wait: options.wait}, async (op) => {
    const earlier = await engine.store.read(app)
    if (earlier?.current) {
      throw new DiscodeError(`${app} is already installed (version ${earlier.current.version})`, {
        hint: `Update it with "discode update ${app}", or choose another app name`,
        code: 'ALREADY_INSTALLED',
      })
    }
    const ref = options.recipe ?? earlier?.recipe.ref ?? app
    const resolved = resolveRecipe(ref, engine.recipeRoots)
    warnSecretsInArguments(op.reporter, resolved.raw, options.inArguments)
    const settled = await settleInputs(engine.store, app, resolved.raw, options.set, earlier?.inputs ?? {}, options.prompt)
    const plain = settled.plain
    let secrets = settled.secrets
    if (options.registry) await engine.store.writeSecrets(app, (secrets = {...secrets, registry: options.registry}))
    let record = freshRecord(app, {ref, source: resolved.source, dir: resolved.dir}, plain, earlier)
    await engine.store.write(record)

    const feed = {...feedFor(app, resolved.raw, plain, secrets), offline: options.offline}
    const {release, published, decision} = await findRelease(op, feed, {
      to: options.version,
      newestAccepted: earlier?.feedPublished,
      trust: {app, installed: false, allowUnsigned: options.allowUnsignedFeed},
    })
    record = trustedFeed(acceptedFeed(record, published), decision)
    await engine.store.write(record)
    if (!release) {
      throw new DiscodeError(`The feed of ${resolved.raw.name} lists no stable release`, {
        hint: 'Ask the vendor, or name a version with --version',
        code: 'NO_RELEASE',
      })
    }
    const recipe = {...renderFor(app, resolved.raw, plain, secrets, release), source: resolved.source}
    const replicas = options.cluster && (options.cluster.replicas ?? recipe.cluster?.replicas ?? DEFAULT_REPLICAS)
    const cluster = replicas ? await engine.clusterSettings(engine, app, recipe, replicas) : earlier?.cluster
    if (cluster) await engine.store.write((record = {...record, cluster}))
    const placed = await appRuntime(op.engine, app, record)
    const result = await deployFresh({...op, engine: placed.engine}, record, {
      recipe,
      release,
      signed: Boolean(feed.key),
      credentials: registryCredentials(recipe, secrets),
      loaded: options.offline?.images,
    })
    return {app, recipe: {ref, source: resolved.source}, hosts: recipeHosts(recipe), pathPrefix: recipe.proxy.pathPrefix, ...result}
  })
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
