import type {Settings} from '../config.js'
import type {DockerClient, PullProgress} from '../docker/docker.js'
import type {Proxy} from '../proxy/proxy.js'
import type {RecipeRoot} from '../recipes/load.js'
import type {Journal} from '../state/journal.js'
import type {StateStore} from '../state/store.js'
import type {PluginHooks} from './plugin-hooks.js'

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

/** Everything a lifecycle operation needs, built once per command. */
export interface Engine {
  settings: Settings
  docker: DockerClient
  proxy: Proxy
  store: StateStore
  reporter: Reporter
  /** Where recipes are found: built-in ones, then each plugin's. */
  recipeRoots: RecipeRoot[]
  /** The running operation's journal (set by runOperation); steps are recorded in it. */
  journal?: Journal
  /** The hooks of the vendor plugin a recipe comes from (none for built-in and path recipes). */
  pluginHooks(source: string): PluginHooks | undefined
}

/** Milliseconds spent in each named step of one operation; `--json` exposes them. */
export type Timings = Record<string, number>

/** Runs one named step, reporting it and adding its duration to `timings`. */
export async function step<T>(engine: Engine, timings: Timings, name: string, message: string, work: () => Promise<T>): Promise<T> {
  engine.journal?.record('start', name, message)
  engine.reporter.stepStarted(name, message)
  const started = performance.now()
  let ok = false
  try {
    const result = await work()
    ok = true
    return result
  } finally {
    const ms = Math.round(performance.now() - started)
    timings[name] = (timings[name] ?? 0) + ms
    engine.journal?.record(ok ? 'done' : 'failed', name)
    engine.reporter.stepFinished(name, ms, ok)
  }
}
