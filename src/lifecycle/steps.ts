import {randomBytes} from 'node:crypto'
import {join} from 'node:path'

import {
  type ContainerSpec,
  containerLogText,
  createContainer,
  ensureNetwork,
  ensureVolume,
  inspectContainer,
  inspectImage,
  listContainers,
  pullImage,
  registryOf,
  removeContainer,
  removeImage,
  runOneOff,
  startContainer,
  stopContainer,
} from '../docker/docker.js'
import {DiscodeError} from '../errors.js'
import {assertImageDigest, digestOf} from '../feed/signature.js'
import {parseRecipeFile, renderFeed, renderRecipe, resolveRecipe} from '../recipes/load.js'
import type {RawRecipe, Recipe} from '../recipes/schema.js'
import type {AppRecord, ReleaseRecord, SecretsRecord} from '../state/store.js'
import {type Engine, step, type Timings} from './context.js'
import {LABELS, releaseContainerName, releaseKey} from './names.js'
import type {DiscodeHookContext, DiscodeHookEvent} from './plugin-hooks.js'
import type {FeedSource} from './release.js'

/**
 * The named steps every lifecycle operation is made of. Each does one thing to Docker or the proxy,
 * so install, update and rollback read as a list of steps and each step can be tested on its own.
 */

/** How many older releases keep a stopped container for a fast rollback. */
export const KEPT_PREVIOUS_RELEASES = 2

/** Lines of a failed release's log shown to the user. */
const FAILURE_LOG_LINES = 20

export interface LoadedRecipe {
  raw: RawRecipe
  dir: string
}

/**
 * Re-reads the recipe the app was installed from. A plugin's recipe is found again by its ref, so a
 * plugin update (or a move from linked to installed) brings the vendor's newer recipe.
 */
export function loadInstalledRecipe(engine: Engine, record: AppRecord): LoadedRecipe {
  if (record.recipe.source !== 'path' && record.recipe.source !== 'builtin') {
    const plugin = engine.recipeRoots.find((root) => root.source === record.recipe.source)
    if (!plugin) {
      throw new DiscodeError(`${record.app} comes from the plugin ${record.recipe.source}, which is not installed`, {
        hint: `Install it again with "discode plugins install ${record.recipe.source}"`,
        code: 'RECIPE_NOT_FOUND',
      })
    }
    const resolved = resolveRecipe(record.recipe.ref, engine.recipeRoots)
    return {raw: resolved.raw, dir: resolved.dir}
  }
  return {raw: parseRecipeFile(join(record.recipe.dir, 'recipe.yml')), dir: record.recipe.dir}
}

/** Credentials for pulling the app's images: the ones given at install win over the recipe's. */
export function registryCredentials(recipe: Recipe, secrets: SecretsRecord): {username: string; password: string} | undefined {
  return secrets.registry ?? recipe.registry
}

/** The template context of one app; accessories are reached by their container name on the app network. */
function templateContext(app: string, raw: RawRecipe, inputs: Record<string, string>, secrets: SecretsRecord) {
  const accessories = Object.fromEntries(
    Object.entries(raw.accessories).map(([name, a]) => [name, {host: `${app}-${name}`, port: a.port ?? 0}]),
  )
  return {app: {name: app}, inputs: {...inputs, ...secrets.inputs}, secrets: secrets.generated, accessories}
}

/** The recipe with every template filled in for one release. */
export function renderFor(
  app: string,
  raw: RawRecipe,
  inputs: Record<string, string>,
  secrets: SecretsRecord,
  release: {version: string; image: string},
): Recipe {
  return renderRecipe(raw, {...templateContext(app, raw, inputs, secrets), release: {version: release.version, image: release.image}})
}

/** The feed URL and key, which are needed before a release is chosen (so they cannot use release.*). */
export function feedFor(app: string, raw: RawRecipe, inputs: Record<string, string>, secrets: SecretsRecord): FeedSource {
  return renderFeed(raw, templateContext(app, raw, inputs, secrets))
}

/**
 * Pulls the release image (a real pull, with progress) and returns Docker's id for it. Done before
 * anything is touched, so a bad image reference changes nothing.
 */
export async function pullRelease(
  engine: Engine,
  timings: Timings,
  image: string,
  options: {requireDigest?: boolean; credentials?: {username: string; password: string}} = {},
): Promise<string> {
  return step(engine, timings, 'pull', `Pulling ${image}`, async () => {
    const pinned = digestOf(image) !== undefined
    const present = pinned ? await inspectImage(engine.docker, image) : undefined
    const auth = options.credentials && {...options.credentials, serveraddress: registryOf(image)}
    if (!present) await pullImage(engine.docker, image, {auth, onProgress: (p) => engine.reporter.pullProgress(image, p)})
    const info = present ?? (await inspectImage(engine.docker, image))
    if (!info) throw new DiscodeError(`Docker reports no image ${image} after pulling it`, {code: 'PULL_FAILED'})
    // A signed feed pins each image by digest: what runs must be exactly what the vendor signed.
    if (options.requireDigest) assertImageDigest(image, info.repoDigests)
    return info.id
  })
}

/** Labels make Docker the truth about which releases exist; they never hold secrets. */
function releaseLabels(app: string, release: {version: string; image: string; key: string}): Record<string, string> {
  return {[LABELS.app]: app, [LABELS.version]: release.version, [LABELS.release]: release.key, [LABELS.image]: release.image}
}

function appContainerSpec(
  engine: Engine,
  app: string,
  recipe: Recipe,
  release: {image: string; version: string},
  name: string,
): ContainerSpec {
  return {
    name,
    image: release.image,
    env: recipe.env,
    network: engine.settings.network,
    volumes: recipe.volumes.map((v) => ({source: `${app}-${v.name}`, target: v.path})),
    restart: true,
  }
}

/** Creates the app's network and named volumes if they do not exist yet. */
export async function ensureAppResources(engine: Engine, app: string, recipe: Recipe): Promise<void> {
  await ensureNetwork(engine.docker, engine.settings.network)
  for (const volume of recipe.volumes) await ensureVolume(engine.docker, `${app}-${volume.name}`, {[LABELS.app]: app})
}

/** Starts the release's container beside whatever serves now. */
export async function startRelease(
  engine: Engine,
  timings: Timings,
  app: string,
  recipe: Recipe,
  release: {version: string; image: string; imageId: string},
): Promise<ReleaseRecord> {
  const key = releaseKey(release.version, release.imageId)
  const container = releaseContainerName(app, key)
  return step(engine, timings, 'start', `Starting ${container} (${release.version})`, async () => {
    await ensureAppResources(engine, app, recipe)
    // A container of this name is a leftover of an interrupted run: never the serving one (callers check).
    await removeContainer(engine.docker, container)
    await createContainer(engine.docker, {
      ...appContainerSpec(engine, app, recipe, release, container),
      // The image id, not the tag: the container runs exactly what was pulled and checked.
      image: release.imageId,
      labels: releaseLabels(app, {...release, key}),
    })
    await startContainer(engine.docker, container)
    return {version: release.version, image: release.image, imageId: release.imageId, key, container}
  })
}

export class HookFailedError extends DiscodeError {}

/** The recipe's own hooks, each in a one-off container of the new image. */
export async function runRecipeHooks(
  engine: Engine,
  timings: Timings,
  phase: 'preSwitch' | 'postSwitch',
  app: string,
  recipe: Recipe,
  release: ReleaseRecord,
): Promise<void> {
  for (const hook of recipe.hooks[phase]) {
    await step(engine, timings, `hooks`, `Running ${phase} hook ${hook.name}`, async () => {
      const result = await runInRelease(engine, app, recipe, release, hook.run, {label: hook.name})
      if (result.exitCode !== 0) {
        const lastLine = result.output.trim().split('\n').pop() ?? ''
        const why = result.timedOut ? 'timed out' : `exit ${result.exitCode}`
        throw new HookFailedError(`${phase} hook "${hook.name}" failed (${why})${lastLine ? `: ${lastLine}` : ''}`, {
          hint: logHint(result.output),
          code: 'HOOK_FAILED',
        })
      }
    })
  }
}

function logHint(output: string): string | undefined {
  const lines = output.trim().split('\n').filter(Boolean).slice(-FAILURE_LOG_LINES)
  return lines.length > 0 ? `Its last output lines:\n${lines.map((l) => `  | ${l}`).join('\n')}` : undefined
}

/** A one-off container of the release's image with the app's env, volumes and network. */
export async function runInRelease(
  engine: Engine,
  app: string,
  recipe: Recipe,
  release: ReleaseRecord,
  cmd: string[],
  options: {label: string; timeoutMs?: number},
): Promise<{exitCode: number; output: string; timedOut: boolean}> {
  const name = `${app}-hook-${randomBytes(4).toString('hex')}`
  return runOneOff(
    engine.docker,
    {
      ...appContainerSpec(engine, app, recipe, release, name),
      image: release.imageId,
      cmd,
      labels: {[LABELS.app]: app, [LABELS.hook]: options.label},
    },
    {timeoutMs: options.timeoutMs},
  )
}

/** The vendor plugin's hooks for one event, with a context bound to the new release. */
export async function runPluginHooks(
  engine: Engine,
  timings: Timings,
  event: DiscodeHookEvent,
  app: string,
  recipe: Recipe & {source: string},
  release: ReleaseRecord,
  previous: ReleaseRecord | undefined,
): Promise<void> {
  const hooks = engine.pluginHooks(recipe.source)
  if (!hooks) return
  await step(engine, timings, 'hooks', `Running ${event} hooks`, async () => {
    const context: DiscodeHookContext = {
      app,
      recipe: {name: recipe.name, source: recipe.source},
      release: {version: release.version, image: release.image, container: release.container},
      previous: previous && {version: previous.version, image: previous.image, container: previous.container},
      container: release.container,
      inputs: {...(await engine.store.read(app))?.inputs},
      run: (cmd, options) => runInRelease(engine, app, recipe, release, cmd, {label: event, timeoutMs: options?.timeoutMs}),
      log: (message) => engine.reporter.info(message),
    }
    await hooks.run(event, context)
  })
}

/** kamal-proxy health-checks the new container, swaps traffic atomically and drains the old one. */
export async function switchTraffic(engine: Engine, timings: Timings, app: string, recipe: Recipe, release: ReleaseRecord): Promise<void> {
  await step(engine, timings, 'switch', `Waiting for ${release.container} to be healthy, then switching traffic`, () =>
    engine.proxy.deploy({
      service: app,
      target: `${release.container}:${recipe.port}`,
      hosts: recipe.proxy.host
        ? recipe.proxy.host
            .split(',')
            .map((h) => h.trim())
            .filter(Boolean)
        : [],
      healthCheckPath: recipe.health.path,
      healthCheckInterval: recipe.health.interval,
      healthCheckTimeout: recipe.health.timeout,
      deployTimeout: recipe.health.deployTimeout,
      drainTimeout: '30s',
      tls: recipe.proxy.tls,
    }),
  )
}

/**
 * Routes the serving release again when the proxy lost its route behind discode's back (removed by
 * hand, or a proxy recreated without its state volume): `status` reports that app as not-routed, and
 * an `update` with nothing newer to deploy brings the route back through this (reconcile tells it).
 */
export async function restoreRoute(engine: Engine, timings: Timings, app: string, recipe: Recipe, release: ReleaseRecord): Promise<void> {
  engine.reporter.warn(`The proxy had no route to ${release.container} (${release.version}): routing it again`)
  await switchTraffic(engine, timings, app, recipe, release)
}

/** Stops a container that no longer serves; it stays on the host for a fast rollback. */
export async function retireRelease(engine: Engine, timings: Timings, release: ReleaseRecord): Promise<void> {
  await step(engine, timings, 'retire', `Stopping ${release.container} (${release.version})`, () =>
    stopContainer(engine.docker, release.container),
  )
}

/**
 * Removes a release that never took traffic, after keeping its last log lines for the error message.
 * Returns those lines.
 */
export async function discardRelease(engine: Engine, release: {container: string}): Promise<string> {
  const logs = await containerLogText(engine.docker, release.container, {tail: FAILURE_LOG_LINES}).catch(() => '')
  await removeContainer(engine.docker, release.container)
  return logs
}

/** Keeps the newest KEPT_PREVIOUS_RELEASES previous releases; removes older containers and images. */
export async function pruneReleases(engine: Engine, timings: Timings, record: AppRecord): Promise<AppRecord> {
  const dropped = record.previous.slice(KEPT_PREVIOUS_RELEASES)
  if (dropped.length === 0) return record
  await step(engine, timings, 'cleanup', `Removing ${dropped.length} old release(s)`, async () => {
    for (const release of dropped) {
      await removeContainer(engine.docker, release.container)
      await removeImage(engine.docker, release.imageId)
    }
  })
  return {...record, previous: record.previous.slice(0, KEPT_PREVIOUS_RELEASES)}
}

/** What is left on the host of a kept release: its container, or only its image; neither is an error. */
export async function releaseOnHost(engine: Engine, app: string, release: ReleaseRecord): Promise<'container' | 'image'> {
  if (await inspectContainer(engine.docker, release.container)) return 'container'
  if (await inspectImage(engine.docker, release.imageId)) return 'image'
  throw new DiscodeError(`Release ${release.version} of ${app} is no longer on this host`, {
    hint: `Install it again with "discode update ${app} --to ${release.version}"`,
    code: 'RELEASE_GONE',
  })
}

/** Brings a kept release's container back (recreating it from its image if it was removed). */
export async function reviveRelease(engine: Engine, timings: Timings, app: string, recipe: Recipe, release: ReleaseRecord): Promise<void> {
  await step(engine, timings, 'start', `Starting ${release.container} (${release.version})`, async () => {
    if ((await releaseOnHost(engine, app, release)) === 'image') {
      await ensureAppResources(engine, app, recipe)
      await createContainer(engine.docker, {
        ...appContainerSpec(engine, app, recipe, release, release.container),
        image: release.imageId,
        labels: releaseLabels(app, release),
      })
    }
    await startContainer(engine.docker, release.container)
  })
}

/** Every container discode made for the app: releases and one-off hook runs. */
export async function appContainers(engine: Engine, app: string) {
  return listContainers(engine.docker, [`${LABELS.app}=${app}`])
}
