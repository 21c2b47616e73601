import {removeImage} from '../docker/docker.js'
import {removeService, scaleService} from '../docker/swarm.js'
import type {HookRunner} from '../lifecycle/hooks.js'
import type {ReleaseRuntime} from '../lifecycle/release-runtime.js'
import {blueGreenStrategy} from '../lifecycle/strategies/bluegreen.js'
import {dockerActions, runPreSwitchHooks, type StrategyActions} from '../lifecycle/strategy-actions.js'
import type {ClusterSettings} from '../state/store.js'
import {runInJob} from './hook-job.js'
import {appServices, discardService, retireService, reviveService, scaleDown, startService, switchToService} from './releases.js'

/**
 * A cluster app's runtime: each release is a Swarm service; blue-green through kamal-proxy as on one
 * host (the proxy targets the service name, which resolves to its replicas), hooks as Swarm jobs,
 * an old release scaled to 0 instead of stopped.
 */
export function clusterRuntime(cluster: ClusterSettings): ReleaseRuntime {
  const runHook: HookRunner = (op, recipe, release, cmd, options) => runInJob(op, cluster, recipe, release, cmd, options)
  const strategy = blueGreenStrategy(clusterActions(cluster, runHook))
  return {
    strategy: () => strategy,
    retire: retireService,
    async remove(op, release) {
      await removeService(op.engine.docker, release.container)
      await removeImage(op.engine.docker, release.imageId)
    },
    list: appServices,
    async apply(op, action) {
      const {docker} = op.engine
      if (action.action === 'remove') return removeService(docker, action.container)
      if (action.action === 'stop') return scaleDown(op, action.container)
      await scaleService(docker, action.container, cluster.replicas)
    },
    runHook,
  }
}

/** The blue-green strategy's actions on services (the pause-only ones are never called in a cluster). */
export function clusterActions(cluster: ClusterSettings, runHook: HookRunner): StrategyActions {
  return {
    ...dockerActions,
    start: (op, recipe, release) => startService(op, cluster, recipe, release),
    revive: (op, recipe, release) => reviveService(op, cluster, recipe, release),
    preSwitch: (op, plan, next) => runPreSwitchHooks(op, plan, next, runHook),
    switchTo: (op, recipe, release) => switchToService(op, recipe, release, cluster),
    discard: discardService,
    async stopQuietly(op, release) {
      await scaleService(op.engine.docker, release.container, 0).catch(() => {})
    },
  }
}
