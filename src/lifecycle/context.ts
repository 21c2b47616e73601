import type {Settings} from '../config.js'
import type {DockerClient, PullProgress} from '../docker/docker.js'
import type {Proxy} from '../proxy/proxy.js'
import type {RecipeRoot} from '../recipes/resolve.js'
import type {Recipe} from '../recipes/schema.js'
import type {AppRecord, ClusterSettings, StateStore} from '../state/store.js'
import type {Backups} from './backups.js'
import type {AppNetworkPort} from './network-port.js'
import type {PluginHooks} from './plugin-hooks.js'
import type {ReleaseRuntime} from './release-runtime.js'

/** How the engine tells the command what it is doing; commands render it (or stay quiet for --json). */
export interface Reporter {
  /** A lifecycle step starts (`pull`, `start`, `hooks`, `switch`, ...). */
  stepStarted(step: string, message: string): void
  stepFinished(step: string, ms: number, ok: boolean): void
  pullProgress(image: string, progress: PullProgress): void
  /** Bytes copied so far by a long transfer (a snapshot's or a restore's volume copy). */
  transferProgress?(label: string, bytes: number): void
  info(message: string): void
  warn(message: string): void
}

export const silentReporter: Reporter = {
  stepStarted() {},
  stepFinished() {},
  pullProgress() {},
  info() {},
  warn() {},
}

/** Everything the engine talks to, built once per command; an Operation carries it to each step. */
export interface Engine {
  settings: Settings
  docker: DockerClient
  proxy: Proxy
  store: StateStore
  reporter: Reporter
  /** Where recipes are found: built-in ones, then each plugin's. */
  recipeRoots: RecipeRoot[]
  /** The hooks of the vendor plugin a recipe comes from (none for built-in and path recipes). */
  pluginHooks(source: string): PluginHooks | undefined
  /** Work a killed run left half done, finished before any operation on the app (a restore). */
  finishPendingWork(engine: Engine, app: string): Promise<void>
  /** Snapshots and restores as the lifecycle asks for them (src/backup/port.ts). */
  backups: Backups
  /** The app's runtime (containers here, or a cluster's services), chosen from its record in one place: src/runtimes.ts. */
  runtimeFor(record: Pick<AppRecord, 'cluster'> | undefined): Promise<ReleaseRuntime>
  /** A new cluster app's settings: this node a manager, the overlay network there, the replicas placed (src/cluster/membership.ts). */
  clusterSettings(engine: Engine, app: string, recipe: Pick<Recipe, 'volumes' | 'strategy'>, replicas: number): Promise<ClusterSettings>
  /** Set on a cluster app's engine: its network is an overlay and its releases are services (src/cluster/overlay.ts). */
  appNetwork?: AppNetworkPort
}
