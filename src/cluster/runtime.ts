import {removeImage, streamContainerLogs} from '../docker/docker.js'
import {inspectService, listNodes, removeService, scaleService} from '../docker/swarm.js'
import {DiscodeError} from '../errors.js'
import type {HookRunner} from '../lifecycle/hooks.js'
import {createMissingReplicas} from '../lifecycle/processes/repair.js'
import type {OneHostWork, ReleaseRuntime} from '../lifecycle/release-runtime.js'
import {blueGreenStrategy} from '../lifecycle/strategies/bluegreen.js'
import {dockerActions, runPreSwitchHooks, type StrategyActions} from '../lifecycle/strategy-actions.js'
import type {ClusterSettings} from '../state/store.js'
import {runInJob} from './hook-job.js'
import {clusterEngine} from './engine.js'
import {assertProcessesFit, PROCESS_REPLICAS_LABEL} from './process-spec.js'
import {clusterProcesses} from './processes.js'
import {
  appServices,
  discardService,
  removeAppServices,
  retireService,
  reviveService,
  scaleDown,
  startService,
  switchToService,
} from './releases.js'
import {clusterAppStatus} from './status.js'
import {clusterSupportFiles} from './support-files.js'

/**
 * A cluster app's runtime: each release is a Swarm service; blue-green through kamal-proxy as on one
 * host (the proxy targets the service name, which resolves to its replicas), hooks as Swarm jobs,
 * an old release scaled to 0 instead of stopped.
 */
export function clusterRuntime(cluster: ClusterSettings): ReleaseRuntime {
  const runHook: HookRunner = (op, recipe, release, cmd, options) => runInJob(op, cluster, recipe, release, cmd, options)
  const strategy = blueGreenStrategy(clusterActions(cluster, runHook))
  const processes = clusterProcesses(cluster)
  return {
    strategy: () => strategy,
    retire: retireService,
    async remove(op, release) {
      // Its processes' services first, then its own.
      for (const p of await processes.list(op)) if (p.release === release.key) await removeService(op.engine.docker, p.container)
      await removeService(op.engine.docker, release.container)
      await removeImage(op.engine.docker, release.imageId)
    },
    list: appServices,
    // A process service removed behind discode's back: created again, with the recipe's replicas.
    repairProcesses: (op, record, missing) => createMissingReplicas(op, record, missing, processes),
    async apply(op, action) {
      const {docker} = op.engine
      if (action.action === 'remove') return removeService(docker, action.container)
      if (action.action === 'stop') return scaleDown(op, action.container)
      // A process's service runs its own replicas (as its label says), the web's the app's.
      const labels = (await inspectService(docker, action.container))?.labels ?? {}
      await scaleService(docker, action.container, Number(labels[PROCESS_REPLICAS_LABEL] ?? cluster.replicas))
    },
    runHook,
    appEngine: (engine, app) => clusterEngine(engine, app),
    proxyNetwork: cluster.network,
    processes,
    removeApp: removeAppServices,
    async serving(engine, record, seen) {
      const replicas = await clusterAppStatus(engine, record, cluster, seen.nodes ?? (await listNodes(engine.docker)))
      return {state: replicas.running > 0 ? 'running' : 'missing', replicas}
    },
    streamLogs: (docker, release, options) => streamContainerLogs(docker, release.container, {...options, service: true}),
    supportFiles: (engine, record, logLines) => clusterSupportFiles(engine, record, cluster, logLines),
    requireOneHost(app, work) {
      throw oneHostOnlyError(app, work)
    },
    bundleTargets: async (engine, endpoints) => (await import('./node-engines.js')).reachNodeEngines(engine, endpoints),
  }
}

/** The blue-green strategy's actions on services (the pause-only ones are never called in a cluster). */
export function clusterActions(cluster: ClusterSettings, runHook: HookRunner): StrategyActions {
  return {
    ...dockerActions,
    start: (op, recipe, release) => {
      assertProcessesFit(op.app, recipe)
      return startService(op, cluster, recipe, release)
    },
    revive: (op, recipe, release) => reviveService(op, cluster, recipe, release),
    preSwitch: (op, plan, next) => runPreSwitchHooks(op, plan, next, runHook),
    switchTo: (op, recipe, release) => switchToService(op, recipe, release, cluster),
    discard: discardService,
    async stopQuietly(op, release) {
      await scaleService(op.engine.docker, release.container, 0).catch(() => {})
    },
  }
}

/** Why work made for one host is refused for a cluster app, with what to do instead. */
export function oneHostOnlyError(app: string, work: OneHostWork): DiscodeError {
  if (work.what === 'restore') {
    // Restoring holds requests and swaps containers on one host; a cluster app's replicas are services.
    return new DiscodeError(`Restoring into ${app} is not available while it runs in a cluster`, {
      hint: `Its snapshot ${work.snapshot} is intact: restore it on a single host ("discode restore ${app} ${work.ref}" where ${app} is not installed), or ask the vendor`,
      code: 'CLUSTER_UNSUPPORTED',
    })
  }
  if (work.what === 'restore-data') {
    return new DiscodeError(`--restore-data is not available for ${app}, which runs in a cluster`, {
      hint: `Roll back the code with --keep-data, then restore the snapshot with "discode restore ${app} ${work.snapshot}"`,
      code: 'CLUSTER_UNSUPPORTED',
    })
  }
  return new DiscodeError(`discode ${work.what} is not available for ${app}, which runs in a cluster`, {
    hint: `Run the command in one of its replicas with docker on that node (see "discode status ${app}")`,
    code: 'CLUSTER_UNSUPPORTED',
  })
}
