import {deployArgs} from '../proxy/deploy-args.js'
import type {Recipe} from '../recipes/schema.js'
import type {ReleaseRecord} from '../state/store.js'
import {settleAppNetwork} from './app-network.js'
import {type Operation, step} from './operation.js'

/** The steps that talk to kamal-proxy: make sure it runs, and move an app's traffic. */

export async function bootProxy(op: Operation): Promise<void> {
  const {engine} = op
  await step(op, 'proxy', 'Checking the proxy', async () => {
    const done = await engine.proxy.boot({onPull: (p) => op.reporter.pullProgress(engine.settings.proxyImage, p)})
    if (done !== 'running') op.reporter.info(`Proxy ${engine.proxy.containerName} ${done} (${engine.settings.proxyImage})`)
  })
  // The app's own network, with the proxy on it; an app an older discode put on the shared one moves.
  await settleAppNetwork(op)
}

/** kamal-proxy health-checks the new container, swaps traffic atomically and drains the old one. */
export async function switchTraffic(op: Operation, recipe: Recipe, release: ReleaseRecord): Promise<void> {
  await step(op, 'switch', `Waiting for ${release.container} to be healthy, then switching traffic`, () =>
    op.engine.proxy.deploy(deployArgs(op.app, recipe, `${release.container}:${recipe.port}`)),
  )
}

/**
 * Routes the serving release again when the proxy lost its route behind discode's back (removed by
 * hand, or a proxy recreated without its state volume): `status` reports that app as not-routed, and
 * an `update` with nothing newer to deploy brings the route back through this (reconcile tells it).
 */
export async function restoreRoute(op: Operation, recipe: Recipe, release: ReleaseRecord): Promise<void> {
  op.reporter.warn(`The proxy had no route to ${release.container} (${release.version}): routing it again`)
  await switchTraffic(op, recipe, release)
}
