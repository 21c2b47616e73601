import {removeContainer, removeImage, startContainer, stopContainer} from '../docker/docker.js'
import type {Recipe} from '../recipes/schema.js'
import type {ReleaseRecord} from '../state/store.js'
import {type HookRunner, runInRelease} from './hooks.js'
import type {Operation} from './operation.js'
import {listProcesses} from './processes/move.js'
import type {ReconcileAction, SeenContainer} from './reconcile-plan.js'
import {appContainers, retireRelease} from './release-container.js'
import {containerName} from '../docker/docker.js'
import {strategyFor} from './strategies/index.js'
import type {Strategy} from './strategy.js'

/**
 * Where an app's releases run: containers on this engine, or Swarm services across a cluster
 * (src/cluster/runtime.ts). The lifecycle asks the runtime, never Docker, for what differs.
 */
export interface ReleaseRuntime {
  strategy(recipe: Recipe): Strategy
  /** Step `retire`: the release that served before no longer runs, but is kept for a rollback. */
  retire(op: Operation, release: ReleaseRecord): Promise<void>
  /** Removes a dropped release for good (prune). */
  remove(op: Operation, release: ReleaseRecord): Promise<void>
  /** The app's release units (containers or services) as planReconcile reads them. */
  list(op: Operation): Promise<SeenContainer[]>
  /** Carries out one of planReconcile's actions. */
  apply(op: Operation, action: ReconcileAction): Promise<void>
  /** How hooks run in the release's image. */
  runHook: HookRunner
}

export const containerRuntime: ReleaseRuntime = {
  strategy: strategyFor,
  retire: retireRelease,
  async remove(op, release) {
    if (release.processes) {
      for (const p of await listProcesses(op)) if (p.release === release.key) await removeContainer(op.engine.docker, p.container)
    }
    await removeContainer(op.engine.docker, release.container)
    await removeImage(op.engine.docker, release.imageId)
  },
  async list(op) {
    const containers = await appContainers(op)
    return containers.map((c) => ({name: containerName(c), state: c.State, labels: c.Labels, imageId: c.ImageID}))
  },
  async apply(op, action) {
    const {docker} = op.engine
    if (action.action === 'start') await startContainer(docker, action.container)
    else if (action.action === 'stop') await stopContainer(docker, action.container)
    else await removeContainer(docker, action.container)
  },
  runHook: runInRelease,
}
