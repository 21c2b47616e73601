import {inspectContainer, startContainer} from '../docker/docker.js'
import type {DeployArgs} from '../proxy/commands.js'
import {deployArgs, DRAIN_TIMEOUT} from '../proxy/deploy-args.js'
import type {ProxyRoute} from '../proxy/list.js'
import type {Recipe} from '../recipes/schema.js'
import {retryUntil} from '../retry.js'
import type {ReleaseRecord} from '../state/store.js'
import type {Engine} from './context.js'
import {type Operation, step} from './operation.js'

/**
 * Holding an app's requests in kamal-proxy while its container is swapped: `pause` (new requests
 * wait, those in flight finish), then `resume`. A route is never left paused across a proxy restart:
 * kamal-proxy (v0.8.7, v0.9.2) panics on `resume` of a pause it restored from its state file, so the
 * proxy container's identity is noted at `pause`; if it restarted meanwhile (or `resume` fails), the
 * route is removed and deployed again.
 */

/** Which run of the proxy container this is: a restart changes StartedAt, a recreate the id. */
export interface ProxyInstance {
  id: string
  startedAt: string
  running: boolean
}

/** A pause in place: the route as it was (none: nothing was held) and the proxy run that holds it. */
export interface Hold {
  route?: ProxyRoute
  pausedOn?: ProxyInstance
}

const PROXY_WAIT_MS = 20_000

export async function proxyInstance(engine: Engine): Promise<ProxyInstance | undefined> {
  const info = await inspectContainer(engine.docker, engine.proxy.containerName)
  return info && {id: info.Id, startedAt: info.State.StartedAt, running: info.State.Running}
}

/** `resume` is safe only on the very proxy run that paused the route (same container, not restarted). */
export function canResume(pausedOn: ProxyInstance | undefined, now: ProxyInstance | undefined): boolean {
  return Boolean(now?.running && pausedOn && now.id === pausedOn.id && now.startedAt === pausedOn.startedAt)
}

/** Pauses the app's route (if it has one: a route removed by hand has nothing to hold). */
export async function holdRequests(op: Operation, recipe: Recipe, serving: ReleaseRecord): Promise<Hold> {
  const route = await op.engine.proxy.route(op.app)
  const pausedOn = await proxyInstance(op.engine)
  if (route) {
    const maxPause = recipe.pause.maxPause
    await step(op, 'pause', `Pausing ${op.app}: new requests are held (at most ${maxPause}) while ${serving.version} is replaced`, () =>
      op.engine.proxy.pause(op.app, {drainTimeout: DRAIN_TIMEOUT, maxPause}),
    )
  }
  return {route, pausedOn}
}

/**
 * Releases the held requests. If the proxy restarted since the pause, `resume` would crash it: the
 * route is re-created (remove, then deploy of `args`) instead. A failing `resume` is handled the same.
 */
export async function resumeRoute(op: Operation, args: DeployArgs, pausedOn: ProxyInstance | undefined): Promise<void> {
  if (canResume(pausedOn, await proxyInstance(op.engine))) {
    try {
      await step(op, 'resume', `Resuming ${op.app}: held requests go to ${args.target}`, () => op.engine.proxy.resume(op.app))
      return
    } catch (error) {
      op.reporter.warn(`Resuming ${op.app} failed (${(error as Error).message}); re-creating its route instead`)
    }
  } else {
    op.reporter.warn(
      `The proxy restarted while ${op.app} was paused: re-creating its route instead of resuming it (kamal-proxy cannot resume a pause it restored)`,
    )
  }
  await step(op, 'resume', `Re-creating the route of ${op.app} to ${args.target}`, () => recreateRoute(op.engine, args))
}

/** remove + deploy: the one way to clear a pause that outlived a proxy restart. */
export async function recreateRoute(engine: Engine, args: DeployArgs): Promise<void> {
  // A proxy that crashed (or restarts by its policy) must answer before it can be told anything.
  await engine.proxy.boot()
  await retryUntil(() => engine.proxy.removeService(args.service), {timeoutMs: PROXY_WAIT_MS})
  await engine.proxy.deploy(args)
}

/** The proxy's routes; a proxy restarted a moment ago may not answer on its socket yet. */
export async function routesOnceAnswering(engine: Engine): Promise<ProxyRoute[]> {
  return retryUntil(() => engine.proxy.routes(), {timeoutMs: PROXY_WAIT_MS})
}

/**
 * The new release failed before the switch: the proxy still routes to the old container (a failed
 * deploy changes nothing), so start it again, let the proxy health-check it (deploying the active
 * target again), and resume. Returns what went wrong on the way, if anything.
 */
export async function revertHold(op: Operation, recipe: Recipe, previous: ReleaseRecord, hold: Hold): Promise<string[]> {
  const problems: string[] = []
  const {route} = hold
  const target = route?.targets.find((t) => t.split(':')[0] === previous.container) ?? `${previous.container}:${recipe.port}`
  const args = deployArgs(op.app, recipe, target, route && {hosts: route.hosts, tls: route.tls})
  try {
    await step(op, 'revert', `Starting ${previous.container} (${previous.version}) again`, async () => {
      await startContainer(op.engine.docker, previous.container)
      await op.engine.proxy.deploy(args)
    })
  } catch (error) {
    problems.push(`${previous.version} did not pass its health check again: ${(error as Error).message}`)
  }
  if (route) {
    try {
      await resumeRoute(op, args, hold.pausedOn)
    } catch (error) {
      problems.push(`the route could not be resumed: ${(error as Error).message}`)
    }
  }
  return problems
}
