import {proxyInstance, resumeRoute} from '../lifecycle/held-route.js'
import type {Operation} from '../lifecycle/operation.js'
import {deployArgs, DRAIN_TIMEOUT} from '../proxy/deploy-args.js'
import type {Recipe} from '../recipes/schema.js'

/**
 * Holding an app's requests through kamal-proxy while a snapshot or a restore runs, then releasing
 * them: the pause strategy's own resume (src/lifecycle/held-route.ts), which re-creates the route
 * instead when the proxy restarted meanwhile. A route left paused by a killed run stays paused and is
 * released by re-creating it (there is no proxy run of ours to resume it on).
 */
export interface Hold {
  /** Whether requests are really held (there is a route). */
  held: boolean
  /** Releases the requests (or re-creates the route); returns how long they were held. */
  release(target?: string): Promise<number>
}

export async function holdRequests(op: Operation, recipe: Recipe, reason: string): Promise<Hold> {
  const {engine, app} = op
  const route = await engine.proxy.route(app)
  if (!route) return {held: false, release: async () => 0}
  op.reporter.info(`Holding the requests of ${app} (at most ${recipe.pause.maxPause}) while ${reason}`)
  const leftPaused = route.state === 'paused'
  const pausedOn = leftPaused ? undefined : await proxyInstance(engine)
  if (!leftPaused) await engine.proxy.pause(app, {drainTimeout: DRAIN_TIMEOUT, maxPause: recipe.pause.maxPause})
  const started = performance.now()
  return {
    held: true,
    release: async (target = route.targets[0]) => {
      await resumeRoute(op, deployArgs(app, recipe, target, {hosts: route.hosts, tls: route.tls}), pausedOn)
      return Math.round(performance.now() - started)
    },
  }
}
