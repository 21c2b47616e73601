import {DiscodeError} from '../errors.js'
import {resolveRecipe} from '../recipes/load.js'
import type {AppRecord} from '../state/store.js'
import type {Engine} from './context.js'
import {type InputPrompt, settleInputs, warnSecretsInArguments} from './inputs.js'
import {runOperation} from './operation.js'
import {reconcileApp} from './reconcile.js'
import {acceptedFeed, findRelease} from './release.js'
import {ensureAccessories} from './accessories.js'
import {bootProxy, deployRelease, type DeployResult} from './deploy.js'
import {pauseRelease} from './pause.js'
import {validateAppName} from './names.js'
import {feedFor, pullRelease, registryCredentials, renderFor} from './steps.js'

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
}

export interface InstallResult extends DeployResult {
  app: string
  recipe: {ref: string; source: string}
  hosts: string[]
}

/**
 * install: settle inputs and secrets (kept at once, so a retry reuses them), read the feed, boot the
 * proxy, pull, start the container, run the install and pre-switch hooks, deploy it to the proxy.
 */
export async function install(engine: Engine, options: InstallOptions): Promise<InstallResult> {
  const {app} = options
  validateAppName(app)
  if (app === engine.settings.proxyContainer)
    throw new DiscodeError(`"${app}" is the proxy's name`, {hint: 'Choose another app name', code: 'BAD_APP_NAME'})
  // An unknown recipe fails before the lock and the journal, so it leaves no apps/APP directory behind.
  resolveRecipe(options.recipe ?? (await engine.store.read(app))?.recipe.ref ?? app, engine.recipeRoots)
  return runOperation(engine, app, 'install', {wait: options.wait}, async (engine, timings) => {
    const earlier = await engine.store.read(app)
    if (earlier?.current) {
      throw new DiscodeError(`${app} is already installed (version ${earlier.current.version})`, {
        hint: `Update it with "discode update ${app}", or choose another app name`,
        code: 'ALREADY_INSTALLED',
      })
    }
    const ref = options.recipe ?? earlier?.recipe.ref ?? app
    const resolved = resolveRecipe(ref, engine.recipeRoots)
    warnSecretsInArguments(engine.reporter, resolved.raw, options.inArguments)
    const settled = await settleInputs(engine.store, app, resolved.raw, options.set, earlier?.inputs ?? {}, options.prompt)
    const plain = settled.plain
    let secrets = settled.secrets
    if (options.registry) await engine.store.writeSecrets(app, (secrets = {...secrets, registry: options.registry}))
    const now = new Date().toISOString()
    let record: AppRecord = {
      app,
      recipe: {ref, source: resolved.source, dir: resolved.dir},
      inputs: plain,
      previous: [],
      installedAt: earlier?.installedAt ?? now,
      updatedAt: now,
    }
    await engine.store.write(record)

    const feed = feedFor(app, resolved.raw, plain, secrets)
    const {release, published} = await findRelease(engine, timings, feed, {to: options.version, newestAccepted: earlier?.feedPublished})
    record = acceptedFeed(record, published)
    await engine.store.write(record)
    if (!release) {
      throw new DiscodeError(`The feed of ${resolved.raw.name} lists no stable release`, {
        hint: 'Ask the vendor, or name a version with --version',
        code: 'NO_RELEASE',
      })
    }
    await bootProxy(engine, timings)
    // An install that died after the switch left a serving container: adopt it instead of starting over.
    record = (await reconcileApp(engine, timings, record)).record
    const recipe = {...renderFor(app, resolved.raw, plain, secrets, release), source: resolved.source}
    const hosts = recipe.proxy.host ? recipe.proxy.host.split(',') : []
    if (record.current) {
      return {app, recipe: {ref, source: resolved.source}, hosts, from: undefined, to: record.current, timings}
    }
    const imageId = await pullRelease(engine, timings, release.image, {
      requireDigest: Boolean(feed.key),
      credentials: registryCredentials(recipe, secrets),
    })
    // Accessories start (and are healthy) before the app; leftovers of a failed install are replaced.
    const accessories = await ensureAccessories(engine, timings, app, recipe, {
      replace: true,
      credentials: registryCredentials(recipe, secrets),
    })
    const result = await (recipe.strategy === 'pause' ? pauseRelease : deployRelease)(
      engine,
      timings,
      record,
      recipe,
      {...release, imageId},
      {install: true},
    )
    return {app, recipe: {ref, source: resolved.source}, hosts, ...result, accessories}
  })
}
