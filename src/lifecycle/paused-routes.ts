import {startContainer} from '../docker/docker.js'
import {LockedError, withAppLock} from '../lock/lock.js'
import {deployArgs} from '../proxy/deploy-args.js'
import type {ProxyRoute} from '../proxy/list.js'
import {loadInstalledRecipe, renderFor} from '../recipes/installed.js'
import type {AppRecord} from '../state/store.js'
import type {Engine} from './context.js'
import {recreateRoute, routesOnceAnswering} from './held-route.js'
import {validateAppName} from '../names/names.js'

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
  const {raw} = loadInstalledRecipe(engine.recipeRoots, record)
  const recipe = renderFor(record.app, raw, record.inputs, await engine.store.readSecrets(record.app), current)
  // An update that died between stopping the old container and the switch left it stopped.
  await startContainer(engine.docker, current.container)
  const target = route.targets.find((t) => t.split(':')[0] === current.container) ?? `${current.container}:${recipe.port}`
  await recreateRoute(engine, deployArgs(record.app, recipe, target, {hosts: route.hosts, tls: route.tls}))
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
    if (!isAppName(app) || !(await engine.store.read(app))?.current) continue // not a discode app
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

function isAppName(name: string): boolean {
  try {
    validateAppName(name)
    return true
  } catch {
    return false
  }
}
