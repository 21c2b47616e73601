import {inspectContainer} from '../docker/docker.js'
import type {Engine} from '../lifecycle/context.js'
import {deployArgs, DRAIN_TIMEOUT} from '../proxy/deploy-args.js'
import type {Recipe} from '../recipes/schema.js'

/**
 * Holding an app's requests through kamal-proxy (`pause`: new requests wait, in-flight ones finish)
 * while a snapshot or a restore runs, then releasing them (`resume`). As in src/lifecycle/pause.ts,
 * a pause must never be resumed after a proxy restart (kamal-proxy crashes on it): if the proxy
 * container restarted meanwhile, or resume fails, the route is removed and deployed again instead.
 */

export interface Hold {
  /** Whether requests are really held (there is a route). */
  held: boolean
  /** Releases the requests (or re-creates the route); returns how long they were held. */
  release(target?: string): Promise<number>
}

export async function holdRequests(engine: Engine, app: string, recipe: Recipe, reason: string): Promise<Hold> {
  const route = await engine.proxy.route(app)
  if (!route) return {held: false, release: async () => 0}
  const before = await inspectContainer(engine.docker, engine.proxy.containerName)
  engine.reporter.info(`Holding the requests of ${app} (at most ${recipe.pause.maxPause}) while ${reason}`)
  // Left paused by a killed run: it stays paused, and is released by re-creating the route.
  const leftPaused = route.state === 'paused'
  if (!leftPaused) await engine.proxy.pause(app, {drainTimeout: DRAIN_TIMEOUT, maxPause: recipe.pause.maxPause})
  const started = performance.now()
  return {
    held: true,
    release: async (target = route.targets[0]) => {
      const now = await inspectContainer(engine.docker, engine.proxy.containerName)
      const sameProxy = now?.State.Running && before && now.Id === before.Id && now.State.StartedAt === before.State.StartedAt
      try {
        if (leftPaused) throw new Error('it was left paused by an interrupted run')
        if (!sameProxy) throw new Error('the proxy restarted while requests were held')
        await engine.proxy.resume(app)
      } catch (error) {
        engine.reporter.warn(`Resuming ${app} failed (${(error as Error).message}); re-creating its route instead`)
        await engine.proxy.boot()
        await engine.proxy.removeService(app).catch(() => {})
        await engine.proxy.deploy(deployArgs(app, recipe, target, {hosts: route.hosts, tls: route.tls}))
      }
      return Math.round(performance.now() - started)
    },
  }
}
