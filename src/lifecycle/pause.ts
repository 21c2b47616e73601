import {setTimeout as sleep} from 'node:timers/promises'

import {inspectContainer, inspectImage, startContainer, stopContainer} from '../docker/docker.js'
import {DiscodeError} from '../errors.js'
import {LockedError, withAppLock} from '../lock/lock.js'
import type {DeployArgs} from '../proxy/commands.js'
import type {ProxyRoute} from '../proxy/list.js'
import {parseDuration} from '../recipes/duration.js'
import type {Recipe} from '../recipes/schema.js'
import type {AppRecord, ReleaseRecord} from '../state/store.js'
import {type Engine, step, type Timings} from './context.js'
import {deployRelease, type DeployResult, finishDeploy, notDeployedError, type SourcedRecipe} from './deploy.js'
import {validateAppName} from './names.js'
import {
  discardRelease,
  loadInstalledRecipe,
  releaseOnHost,
  renderFor,
  reviveRelease,
  runPluginHooks,
  runRecipeHooks,
  startRelease,
  switchTraffic,
} from './steps.js'

/**
 * The `strategy: pause` deploy, for apps that cannot run two versions at once (an embedded database,
 * a single-writer job queue). Order: check the new image is on the host → kamal-proxy `pause` (new
 * requests are held, not refused; those in flight finish) → stop the old container → start the new
 * one → recipe preSwitch hooks → plugin pre-switch hooks → kamal-proxy `deploy` (health check, switch)
 * → `resume` (the held requests go to the new version) → record → prune → postSwitch hooks.
 * A failure before the switch removes the new container, starts the old one again, deploys it back
 * and resumes: users see a delay, not an error.
 *
 * A route is never left paused across a proxy restart: kamal-proxy (v0.8.7, v0.9.2) panics on
 * `resume` of a pause it restored from its state file. So the proxy container's identity is noted at
 * `pause`; if it restarted meanwhile (or `resume` fails), the route is removed and deployed again.
 */
export async function pauseRelease(
  engine: Engine,
  timings: Timings,
  record: AppRecord,
  recipe: SourcedRecipe,
  release: {version: string; image: string; imageId: string},
  options: {install: boolean},
): Promise<DeployResult> {
  const app = record.app
  const previous = record.current
  // Nothing serves yet (install): nothing to hold, and no old version runs beside the new one.
  if (!previous) return deployRelease(engine, timings, record, recipe, release, options)
  // Users wait while the old version is down: a pull must never happen in that window.
  if (!(await inspectImage(engine.docker, release.imageId))) {
    throw new DiscodeError(`The image of ${release.version} (${release.image}) is not on this host`, {
      hint: 'The pause strategy stops the running version before starting the new one, so the image must be pulled first ("discode update" does)',
      code: 'IMAGE_NOT_PULLED',
    })
  }
  const maxPause = recipe.pause.maxPause
  if ((parseDuration(recipe.health.deployTimeout) ?? 0) >= (parseDuration(maxPause) ?? Infinity)) {
    engine.reporter.warn(
      `health.deployTimeout (${recipe.health.deployTimeout}) is not below pause.maxPause (${maxPause}): a slow start answers held requests with 504`,
    )
  }

  const deployed = await switchWithPause(engine, timings, app, recipe, previous, release.version, {
    bringUp: () => startRelease(engine, timings, app, recipe, release),
    beforeSwitch: async (next) => {
      await runRecipeHooks(engine, timings, 'preSwitch', app, recipe, next)
      await runPluginHooks(engine, timings, options.install ? 'discode:pre-install' : 'discode:pre-switch', app, recipe, next, previous)
    },
    takeDown: (next) => discardRelease(engine, next).catch(() => ''),
  })
  return finishDeploy(engine, timings, record, recipe, deployed, {...options, retire: false})
}

/**
 * Rollback with the pause strategy: the kept release must not run beside the serving one either, so
 * the same hold → stop → start (the kept container) → switch → resume, with no hooks (see rollback).
 * On failure the kept container is stopped again and the serving one comes back. The serving release
 * is stopped on return.
 */
export async function pauseRollback(
  engine: Engine,
  timings: Timings,
  app: string,
  recipe: Recipe,
  current: ReleaseRecord,
  target: ReleaseRecord,
): Promise<void> {
  // Users wait while the serving version is down: a missing release must be found out before that.
  await releaseOnHost(engine, app, target)
  await switchWithPause(engine, timings, app, recipe, current, target.version, {
    bringUp: async () => {
      await reviveRelease(engine, timings, app, recipe, target)
      return target
    },
    takeDown: async () => {
      await stopContainer(engine.docker, target.container).catch(() => {})
      return ''
    },
  })
}

/**
 * The pause strategy's switch, shared by update and rollback: pause → stop `previous` → `bringUp` the
 * next release → `beforeSwitch` (an update's pre-switch hooks) → deploy → resume. If anything fails
 * before the switch, `takeDown` removes the next release (returning its last log lines), the serving
 * release is started again and deployed back, the route resumed, and the error says what users got.
 */
async function switchWithPause(
  engine: Engine,
  timings: Timings,
  app: string,
  recipe: Recipe,
  previous: ReleaseRecord,
  version: string,
  steps: {
    bringUp: () => Promise<ReleaseRecord>
    beforeSwitch?: (next: ReleaseRecord) => Promise<void>
    takeDown: (next: ReleaseRecord) => Promise<string>
  },
): Promise<ReleaseRecord> {
  const maxPause = recipe.pause.maxPause
  // No route (removed by hand): nothing to hold; the switch creates it again.
  const route = await engine.proxy.route(app)
  const pausedOn = await proxyInstance(engine)
  if (route) {
    await step(
      engine,
      timings,
      'pause',
      `Pausing ${app}: new requests are held (at most ${maxPause}) while ${previous.version} is replaced`,
      () => engine.proxy.pause(app, {drainTimeout: DRAIN_TIMEOUT, maxPause}),
    )
  }

  let next: ReleaseRecord | undefined
  try {
    await step(engine, timings, 'stop', `Stopping ${previous.container} (${previous.version})`, () =>
      stopContainer(engine.docker, previous.container),
    )
    next = await steps.bringUp()
    await steps.beforeSwitch?.(next)
    await switchTraffic(engine, timings, app, recipe, next)
  } catch (error) {
    const logs = next ? await steps.takeDown(next) : ''
    const problems = await revert(engine, timings, app, recipe, previous, route, pausedOn)
    const serving =
      problems.length === 0
        ? `${previous.version} serves again: requests were held during the attempt, not refused.`
        : `Going back to ${previous.version} had problems: ${problems.join('; ')}. See "discode status".`
    throw notDeployedError(error, version, serving, logs)
  }
  if (route)
    await resumeRoute(
      engine,
      timings,
      app,
      deployArgs(app, recipe, `${next.container}:${recipe.port}`, hostsOf(recipe), recipe.proxy.tls),
      pausedOn,
    )
  return next
}

const DRAIN_TIMEOUT = '30s'

/**
 * The new release failed before the switch: the proxy still routes to the old container (a failed
 * deploy changes nothing), so start it again, let the proxy health-check it (deploying the active
 * target again), and resume. Returns what went wrong on the way, if anything.
 */
async function revert(
  engine: Engine,
  timings: Timings,
  app: string,
  recipe: Recipe,
  previous: ReleaseRecord,
  route: ProxyRoute | undefined,
  pausedOn: ProxyInstance | undefined,
): Promise<string[]> {
  const problems: string[] = []
  const target = route?.targets.find((t) => t.split(':')[0] === previous.container) ?? `${previous.container}:${recipe.port}`
  const args = deployArgs(app, recipe, target, route?.hosts ?? hostsOf(recipe), route?.tls ?? recipe.proxy.tls)
  try {
    await step(engine, timings, 'revert', `Starting ${previous.container} (${previous.version}) again`, async () => {
      await startContainer(engine.docker, previous.container)
      await engine.proxy.deploy(args)
    })
  } catch (error) {
    problems.push(`${previous.version} did not pass its health check again: ${(error as Error).message}`)
  }
  if (route) {
    try {
      await resumeRoute(engine, timings, app, args, pausedOn)
    } catch (error) {
      problems.push(`the route could not be resumed: ${(error as Error).message}`)
    }
  }
  return problems
}

interface ProxyInstance {
  id: string
  startedAt: string
  running: boolean
}

/** Which run of the proxy container this is: a restart changes StartedAt, a recreate the id. */
async function proxyInstance(engine: Engine): Promise<ProxyInstance | undefined> {
  const info = await inspectContainer(engine.docker, engine.proxy.containerName)
  return info && {id: info.Id, startedAt: info.State.StartedAt, running: info.State.Running}
}

/**
 * Releases the held requests. If the proxy restarted since the pause, `resume` would crash it: the
 * route is re-created (remove, then deploy of `args`) instead. A failing `resume` is handled the same.
 */
async function resumeRoute(
  engine: Engine,
  timings: Timings,
  app: string,
  args: DeployArgs,
  pausedOn: ProxyInstance | undefined,
): Promise<void> {
  const now = await proxyInstance(engine)
  if (now?.running && pausedOn && now.id === pausedOn.id && now.startedAt === pausedOn.startedAt) {
    try {
      await step(engine, timings, 'resume', `Resuming ${app}: held requests go to ${args.target}`, () => engine.proxy.resume(app))
      return
    } catch (error) {
      engine.reporter.warn(`Resuming ${app} failed (${(error as Error).message}); re-creating its route instead`)
    }
  } else {
    engine.reporter.warn(
      `The proxy restarted while ${app} was paused: re-creating its route instead of resuming it (kamal-proxy cannot resume a pause it restored)`,
    )
  }
  await step(engine, timings, 'resume', `Re-creating the route of ${app} to ${args.target}`, () => recreateRoute(engine, app, args))
}

/** remove + deploy: the one way to clear a pause that outlived a proxy restart. */
async function recreateRoute(engine: Engine, app: string, args: DeployArgs): Promise<void> {
  // A proxy that crashed (or restarts by its policy) must answer before it can be told anything.
  await engine.proxy.boot()
  const deadline = Date.now() + PROXY_WAIT_MS
  for (;;) {
    try {
      await engine.proxy.removeService(app)
      break
    } catch (error) {
      if (Date.now() > deadline) throw error
      await sleep(250)
    }
  }
  await engine.proxy.deploy(args)
}

const PROXY_WAIT_MS = 20_000

function hostsOf(recipe: Recipe): string[] {
  return recipe.proxy.host
    ? recipe.proxy.host
        .split(',')
        .map((h) => h.trim())
        .filter(Boolean)
    : []
}

function deployArgs(app: string, recipe: Recipe, target: string, hosts: string[], tls: boolean): DeployArgs {
  return {
    service: app,
    target,
    hosts,
    healthCheckPath: recipe.health.path,
    healthCheckInterval: recipe.health.interval,
    healthCheckTimeout: recipe.health.timeout,
    deployTimeout: recipe.health.deployTimeout,
    drainTimeout: DRAIN_TIMEOUT,
    tls,
  }
}

// ---------------------------------------------------------------------------------------------------
// Paused routes nobody resumes

/**
 * A paused route found while holding the app's lock has no discode to resume it (an update that died
 * mid-pause, a pause by hand, a proxy restarted while paused). Resuming is unsafe after a restart, so
 * the route is re-created to the current container: remove, then deploy. Returns true if it was paused.
 */
export async function recoverPausedRoute(engine: Engine, record: AppRecord, route: ProxyRoute | undefined): Promise<boolean> {
  const current = record.current
  if (route?.state !== 'paused' || !current) return false
  engine.reporter.warn(
    `The route of ${record.app} was left paused: re-creating it to ${current.container} (a paused route cannot be resumed safely after a proxy restart)`,
  )
  const {raw} = loadInstalledRecipe(engine, record)
  const recipe = renderFor(record.app, raw, record.inputs, await engine.store.readSecrets(record.app), current)
  // An update that died between stopping the old container and the switch left it stopped.
  await startContainer(engine.docker, current.container)
  const target = route.targets.find((t) => t.split(':')[0] === current.container) ?? `${current.container}:${recipe.port}`
  await recreateRoute(engine, record.app, deployArgs(record.app, recipe, target, route.hosts, route.tls))
  return true
}

/**
 * After `proxy boot` / `proxy reboot`: every paused route of an installed app whose lock is free is
 * re-created. An app whose lock is held is being paused by a running discode, which resumes it safely.
 */
export async function recoverPausedRoutes(engine: Engine): Promise<string[]> {
  const recovered: string[] = []
  for (const route of (await routesOnceAnswering(engine)).filter((r) => r.state === 'paused')) {
    const app = route.service
    try {
      validateAppName(app)
    } catch {
      continue // not a discode app
    }
    if (!(await engine.store.read(app))?.current) continue
    try {
      await withAppLock(engine.settings.home, app, {command: 'proxy recover'}, async () => {
        const record = await engine.store.read(app)
        if (record && (await recoverPausedRoute(engine, record, await engine.proxy.route(app)))) recovered.push(app)
      })
    } catch (error) {
      if (error instanceof LockedError) engine.reporter.info(`${app} is paused by a running discode, which will resume it`)
      else engine.reporter.warn(`Could not re-create the paused route of ${app}: ${(error as Error).message}`)
    }
  }
  return recovered
}

/** The proxy's routes; a proxy restarted a moment ago may not answer on its socket yet. */
async function routesOnceAnswering(engine: Engine): Promise<ProxyRoute[]> {
  const deadline = Date.now() + PROXY_WAIT_MS
  for (;;) {
    try {
      return await engine.proxy.routes()
    } catch (error) {
      if (Date.now() > deadline) throw error
      await sleep(250)
    }
  }
}
