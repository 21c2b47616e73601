/**
 * A fake Engine for the orchestration's unit tests (no Docker): real settings on a temp DISCODE_HOME,
 * the real StateStore and Proxy class on it, a recording Reporter, no plugin hooks, and the fake
 * Docker (fake-docker.ts, whose exec answers kamal-proxy's client). The feed is served over HTTP on
 * 127.0.0.1 (feed-server.ts). A "crash" kills the run at a journaled step boundary: from then on
 * nothing reaches Docker, the proxy or the records, and the journal is left as the killed process
 * wrote it, so the next command must recover. Test support only: product code never imports it.
 */
import fs, {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {syncBuiltinESMExports} from 'node:module'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import lockfile from 'proper-lockfile'

import {finishPendingWork} from '../backup/pending-check.js'
import {backups} from '../backup/port.js'
import {clusterSettings, runtimeFor} from '../runtimes.js'
import type {Settings} from '../config.js'
import type {DockerClient, PullProgress} from '../docker/docker.js'
import {Proxy} from '../proxy/proxy.js'
import {type AppRecord, type SecretsRecord, StateStore} from '../state/store.js'
import type {Engine, Reporter} from '../lifecycle/context.js'
import {CrashError, FakeDocker} from './fake-docker.js'
import {FeedServer} from './feed-server.js'

export {CrashError, FakeDocker} from './fake-docker.js'
export {FeedServer} from './feed-server.js'

export type ReporterEvent =
  | {kind: 'started'; step: string; message: string}
  | {kind: 'finished'; step: string; ok: boolean}
  | {kind: 'info' | 'warn'; message: string}
  | {kind: 'pull'; image: string; progress: PullProgress}

/** Where a crash happens: as a step starts (journaled `start`, no work done) or once it is done. */
export interface CrashPoint {
  step: string
  when: 'before' | 'after'
  /** Which occurrence of the step (1: the first). */
  nth: number
}

/** Records what the engine reports and kills the run at the crash point, if one is set. */
export class RecordingReporter implements Reporter {
  readonly events: ReporterEvent[] = []
  crashPoint?: CrashPoint
  private seen = 0

  constructor(private readonly onCrash: () => void) {}

  /** Step names in the order they started. */
  get steps(): string[] {
    return this.events.flatMap((e) => (e.kind === 'started' ? [e.step] : []))
  }

  get warnings(): string[] {
    return this.events.flatMap((e) => (e.kind === 'warn' ? [e.message] : []))
  }

  stepStarted(step: string, message: string): void {
    this.events.push({kind: 'started', step, message})
    this.maybeCrash(step, 'before')
  }

  stepFinished(step: string, _ms: number, ok: boolean): void {
    this.events.push({kind: 'finished', step, ok})
    if (ok) this.maybeCrash(step, 'after')
  }

  pullProgress(image: string, progress: PullProgress): void {
    this.events.push({kind: 'pull', image, progress})
  }

  info(message: string): void {
    this.events.push({kind: 'info', message})
  }

  warn(message: string): void {
    this.events.push({kind: 'warn', message})
  }

  private maybeCrash(step: string, when: 'before' | 'after'): void {
    const point = this.crashPoint
    if (!point || point.step !== step || point.when !== when || ++this.seen < point.nth) return
    this.crashPoint = undefined
    this.seen = 0
    this.onCrash()
    throw new CrashError(`killed ${when} step ${step}`)
  }
}

/** The real StateStore, which counts the record reads and writes nothing once the run was killed. */
export class CrashableStore extends StateStore {
  /** Reads of an app's record (app.json) so far. */
  reads = 0
  /** Reads of an app's secrets file so far. */
  secretReads = 0

  constructor(
    home: string,
    private readonly dead: () => boolean,
  ) {
    super(home)
  }

  override async read(app: string): Promise<AppRecord | undefined> {
    this.reads++
    return super.read(app)
  }

  override async readSecrets(app: string): Promise<SecretsRecord> {
    this.secretReads++
    return super.readSecrets(app)
  }

  override async write(record: AppRecord): Promise<void> {
    if (this.dead()) throw new CrashError(`killed before writing ${record.app}'s record`)
    await super.write(record)
  }

  override async writeSecrets(app: string, secrets: SecretsRecord): Promise<void> {
    if (this.dead()) throw new CrashError(`killed before writing ${app}'s secrets`)
    await super.writeSecrets(app, secrets)
  }
}

/** tmpfs when there is one: the journal and conf fsync every write, which on a busy disk costs seconds. */
const TEMP = existsSync('/dev/shm') ? '/dev/shm' : tmpdir()

export class FakeWorld {
  readonly home = mkdtempSync(join(TEMP, 'discode-fake-'))
  readonly docker = new FakeDocker()
  readonly feed = new FeedServer()
  readonly reporter: RecordingReporter
  readonly engine: Engine
  /** App locks taken under this home so far (withAppLock's proper-lockfile, counted while the world is open). */
  locks = 0
  /** Reads of a recipe.yml under this home so far (each parse of an app's recipe). */
  recipeReads = 0
  private readonly unlockCounting: () => void
  private readonly uncountRecipes: () => void
  /** Each journal as it was when the run was killed (the process wrote nothing after). */
  private journals = new Map<string, string>()
  private killed = false

  constructor() {
    const settings: Settings = {
      home: this.home,
      network: 'discode',
      proxyImage: 'basecamp/kamal-proxy:v0.9.2',
      proxyContainer: 'kamal-proxy',
      proxyHttpPort: 80,
      proxyHttpsPort: 443,
    }
    this.docker.publish(settings.proxyImage)
    this.reporter = new RecordingReporter(() => this.kill())
    const docker = this.docker as unknown as DockerClient
    this.engine = {
      settings,
      docker,
      proxy: new Proxy(docker, settings, (message) => this.reporter.info(message)),
      store: new CrashableStore(this.home, () => this.docker.dead),
      reporter: this.reporter,
      recipeRoots: [],
      pluginHooks: () => undefined,
      finishPendingWork,
      backups,
      runtimeFor,
      clusterSettings,
    }
    this.unlockCounting = countLocks(this.home, () => this.locks++)
    this.uncountRecipes = countRecipeReads(this.home, () => this.recipeReads++)
  }

  get proxy() {
    return this.docker.proxy
  }

  get store(): CrashableStore {
    return this.engine.store as CrashableStore
  }

  async start(): Promise<this> {
    await this.feed.start()
    return this
  }

  async close(): Promise<void> {
    this.unlockCounting()
    this.uncountRecipes()
    await this.feed.close()
    rmSync(this.home, {recursive: true, force: true})
  }

  /** Writes a recipe directory (recipe.yml) under the temp home; install it by this path. */
  recipe(name: string, yaml: string): string {
    const dir = join(this.home, 'recipes', name)
    mkdirSync(dir, {recursive: true})
    writeFileSync(join(dir, 'recipe.yml'), yaml)
    return dir
  }

  /** The next run is killed at this step boundary. */
  crashAt(step: string, when: 'before' | 'after' = 'before', nth = 1): void {
    this.reporter.crashPoint = {step, when, nth}
  }

  /** Awaits a run that is to be killed; leaves the world as the dead process left it, then revives Docker. */
  async crashed(run: Promise<unknown>): Promise<void> {
    const outcome = await run.then(
      () => 'finished',
      (error: unknown) => error,
    )
    if (!this.killed) throw new Error(`the run was not killed (it ${outcome === 'finished' ? 'finished' : `failed: ${String(outcome)}`})`)
    for (const [file, text] of this.journals) writeFileSync(file, text)
    this.journals = new Map()
    this.killed = false
    this.docker.revive()
  }

  async record(app: string): Promise<AppRecord | undefined> {
    return this.engine.store.read(app)
  }

  /** The journal lines of the app's last operation. */
  journal(app: string): {event: string; name: string; detail?: string}[] {
    const file = join(this.engine.store.appDir(app), 'journal.jsonl')
    if (!existsSync(file)) return []
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
  }

  private kill(): void {
    this.killed = true
    this.docker.crash()
    const apps = join(this.home, 'apps')
    for (const app of existsSync(apps) ? readdirSync(apps) : []) {
      const file = join(apps, app, 'journal.jsonl')
      if (existsSync(file)) this.journals.set(file, readFileSync(file, 'utf8'))
    }
  }
}

/**
 * Counts the locks taken under `home`: proper-lockfile's `lock` (which src/lock/lock.ts calls through
 * the module object) wrapped until the returned function restores it.
 */
function countLocks(home: string, onLock: () => void): () => void {
  const original = lockfile.lock
  const counting: typeof lockfile.lock = async (file, options) => {
    const release = await original(file, options)
    if (file.startsWith(home)) onLock()
    return release
  }
  lockfile.lock = counting
  return () => {
    if (lockfile.lock === counting) lockfile.lock = original
  }
}

/** Counts the reads of recipe.yml files under `home`: node:fs's readFileSync wrapped (ESM imports follow) until restored. */
function countRecipeReads(home: string, onRead: () => void): () => void {
  const original = fs.readFileSync
  const counting = ((file: fs.PathOrFileDescriptor, options?: unknown) => {
    if (typeof file === 'string' && file.startsWith(home) && file.endsWith('recipe.yml')) onRead()
    return original(file, options as BufferEncoding)
  }) as typeof fs.readFileSync
  fs.readFileSync = counting
  syncBuiltinESMExports()
  return () => {
    if (fs.readFileSync !== counting) return
    fs.readFileSync = original
    syncBuiltinESMExports()
  }
}

/** A started world; close it in `after`. */
export async function fakeWorld(): Promise<FakeWorld> {
  return new FakeWorld().start()
}
