import type {Writable} from 'node:stream'

import {
  type ContainerInfo,
  removeContainer,
  removeImage,
  startContainer,
  stopContainer,
  streamContainerLogs,
  type DockerClient,
} from '../docker/docker.js'
import type {SwarmNodeInfo} from '../docker/swarm.js'
import {DiscodeError} from '../errors.js'
import type {Recipe} from '../recipes/schema.js'
import type {AppRecord, ReleaseRecord} from '../state/store.js'
import {appNetworkEngine} from './network-plan.js'
import type {Engine} from './context.js'
import type {HookRunner} from './hooks.js'
import type {Operation} from './operation.js'
import {containerProcesses} from './processes/containers.js'
import type {ProcessRuntime} from './processes/port.js'
import {listProcesses} from './processes/select.js'
import type {MissingReplica, ReconcileAction, SeenContainer} from './reconcile-plan.js'
import {containerName} from '../docker/docker.js'
import type {Strategy} from './strategy.js'

/** Where a cluster app's serving release runs: replicas wanted and running, per node hostname. */
export interface ClusterAppStatus {
  app: string
  service: string
  version: string
  wanted: number
  running: number
  /** Node hostname → replicas running there. */
  nodes: Record<string, number>
  /** Why replicas are missing, in Swarm's words (a lost node, no room, a failing start). */
  reason?: string
  /** True when a ready node runs less than its share ("discode cluster rebalance APP" spreads them). */
  uneven: boolean
  /** The serving release's processes, each a service: replicas wanted and running, per node hostname. */
  processes?: {name: string; service: string; wanted: number; running: number; nodes: Record<string, number>}[]
  /** The overlay the serving release is on (see src/cluster/overlay.ts). */
  network?: ClusterNetworkStatus
}

/** A cluster app's overlay: its own (encrypted, or the reason it is not), or the shared one of an older install. */
export interface ClusterNetworkStatus {
  name: string
  encrypted: boolean
  shared: boolean
  /** One line: `NAME: encrypted` or `NAME: unencrypted, because ...`. */
  note: string
}

/** The serving release as a report sees it: Docker's state (running, exited, missing, ...) and a cluster's replicas. */
export interface ServingReport {
  state: string
  replicas?: ClusterAppStatus
}

/** What only a single host can do, which a runtime may refuse (with the hint that fits). */
export type OneHostWork =
  {what: 'exec' | 'run'} | {what: 'restore'; snapshot: string; ref: string} | {what: 'restore-data'; snapshot: string}

export interface LogOptions {
  tail?: number
  follow: boolean
  stdout: Writable
  stderr: Writable
  signal?: AbortSignal
}

/**
 * Where an app's releases run: containers on this engine, or Swarm services across a cluster
 * (src/cluster/runtime.ts). The lifecycle, the reports and the support tools ask the runtime, never
 * the record, for what differs; `engine.runtimeFor(record)` (src/runtimes.ts) chooses it.
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
  /** Creates the current release's process replicas reconcile found gone; without it, the next update does. */
  repairProcesses?(op: Operation, record: AppRecord, missing: MissingReplica[]): Promise<void>
  /** How hooks run in the release's image. */
  runHook: HookRunner
  /** The engine the app's steps use (a cluster's has the overlay network as the app network). */
  appEngine(engine: Engine, app: string): Engine
  /** The one network the proxy reaches every release on (a cluster's overlay); undefined: each release container's own (one per app). */
  proxyNetwork?: string
  /** How the recipe's processes run here (see processes/port.ts). */
  processes: ProcessRuntime
  /** Uninstall: removes what the runtime keeps beside the app's containers (a cluster's services). */
  removeApp(op: Operation): Promise<void>
  /** The serving release's state for status and doctor (`containers`: the app containers Docker lists). */
  serving(
    engine: Engine,
    record: AppRecord & {current: ReleaseRecord},
    seen: {containers: ContainerInfo[]; nodes?: SwarmNodeInfo[]},
  ): Promise<ServingReport>
  /** Streams the serving release's logs (a cluster's: every replica's). */
  streamLogs(docker: DockerClient, release: ReleaseRecord, options: LogOptions): Promise<void>
  /** A support bundle's files beyond the containers' (paths relative to the app's folder). */
  supportFiles(engine: Engine, record: AppRecord, logLines: number): Promise<{path: string; content: string}[]>
  /** Throws CLUSTER_UNSUPPORTED (with a hint) where the runtime cannot do work made for one host. */
  requireOneHost(app: string, work: OneHostWork): void
  /**
   * Where a bundle's release images go beside this engine: a cluster's ready workers, reached at the
   * customer's `--node-docker` endpoints (refused before anything is loaded if one is missing).
   * One host: none (undefined), and endpoints are refused.
   */
  bundleTargets(engine: Engine, endpoints: string[]): Promise<BundleTargets | undefined>
}

/** A cluster's workers a bundle's release images are loaded into, and the nodes that are down. */
export interface BundleTargets {
  nodes: {name: string; docker: DockerClient}[]
  down: string[]
}

// The deploy code is loaded when a deploy uses it: a report or a one-off (status, logs, run) does not load
// it, nor with it the lock's exit handlers, which would re-raise a signal those commands handle.
const containers = () => import('./release-container.js')
const strategies = () => import('./strategies/index.js')

export const containerRuntime: ReleaseRuntime = {
  strategy: (recipe) => ({
    name: recipe.strategy,
    deploy: async (op, plan) => (await strategies()).strategyFor(recipe).deploy(op, plan),
    rollback: async (op, move) => (await strategies()).strategyFor(recipe).rollback(op, move),
  }),
  retire: async (op, release) => (await containers()).retireRelease(op, release),
  async remove(op, release) {
    if (release.processes) {
      for (const p of await listProcesses(op)) if (p.release === release.key) await removeContainer(op.engine.docker, p.container)
    }
    await removeContainer(op.engine.docker, release.container)
    await removeImage(op.engine.docker, release.imageId)
  },
  async list(op) {
    const listed = await (await containers()).appContainers(op)
    return listed.map((c) => ({name: containerName(c), state: c.State, labels: c.Labels, imageId: c.ImageID}))
  },
  async apply(op, action) {
    const {docker} = op.engine
    if (action.action === 'start') await startContainer(docker, action.container)
    else if (action.action === 'stop') await stopContainer(docker, action.container)
    else await removeContainer(docker, action.container)
  },
  repairProcesses: async (...args) => (await import('./processes/repair.js')).createMissingReplicas(...args),
  runHook: async (...args) => (await import('./hooks.js')).runInRelease(...args),
  // Each app on one host has its own network (see network-plan.ts).
  appEngine: (engine, app) => appNetworkEngine(engine, app),
  processes: containerProcesses,
  async removeApp() {},
  async serving(_engine, {current}, {containers}) {
    return {state: containers.find((c) => c.Names.includes(`/${current.container}`))?.State ?? 'missing'}
  },
  streamLogs: (docker, release, options) => streamContainerLogs(docker, release.container, {...options, service: false}),
  async supportFiles() {
    return []
  },
  requireOneHost() {},
  async bundleTargets(_engine, endpoints) {
    if (endpoints.length === 0) return undefined
    throw new DiscodeError('--node-docker is for an app that runs on a cluster', {
      code: 'BUNDLE_NOT_CLUSTER',
      hint: 'Nothing was loaded. Leave --node-docker out: a single-host app uses this engine only',
    })
  },
}
