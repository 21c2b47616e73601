import {existsSync, mkdirSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'

import type ConfType from 'conf'

import {DiscodeError} from '../errors.js'

/** One release of an app as it exists on this host. */
export interface ReleaseRecord {
  version: string
  /** The image reference the feed named (tag or digest). */
  image: string
  /** Docker's image id after the pull: what actually runs. */
  imageId: string
  /** 12 hex characters naming the release; the container is `<app>-<key>`. */
  key: string
  container: string
  deployedAt?: string
  /** The recipe's processes at this release and their replicas (absent: none recorded, see src/lifecycle/processes). */
  processes?: Record<string, number>
}

export interface AppRecord {
  app: string
  recipe: {ref: string; source: string; dir: string}
  /** Non-secret input values; secret ones live in the secrets file. */
  inputs: Record<string, string>
  /** Undefined until the first deploy succeeded (or after uninstall without --purge). */
  current?: ReleaseRecord
  /** Older releases whose containers are kept stopped for a fast rollback, newest first. */
  previous: ReleaseRecord[]
  installedAt: string
  updatedAt: string
  /** The newest `published` time of a signed feed accepted for this app (replay protection). */
  feedPublished?: string
  /** How the app's feed is trusted: its feedKey, the customer's opt-in to an unsigned feed (src/feed/trust.ts). */
  feedTrust?: FeedTrust
  /** The accessories the recipe declared at the last deploy, for reports that must not load recipes. */
  accessories?: string[]
  /** Backup settings given with `discode backup --keep N` / `--dir DIR` (see src/backup). */
  backup?: BackupSettings
  /** Which snapshot was taken before which release's migration, newest first (see src/lifecycle/data-rollback.ts). */
  dataSnapshots?: DataSnapshotRef[]
  /** Set for an app installed with --cluster: its releases are Swarm services (see src/cluster). */
  cluster?: ClusterSettings
}

/** How a cluster app runs: replicas per release, the overlay network, the node its volumes pin it to. */
/** How the feed was trusted (src/feed/trust.ts decides). */
export type FeedVerdict = 'signed' | 'loopback' | 'allowed' | 'legacy'

/** What an app's record keeps about its feed (undefined in records written before feed trust). */
export interface FeedTrust {
  /** The feedKey the app was installed (or last accepted) with. */
  key?: string
  /** The customer allowed an unsigned feed on another host (`--allow-unsigned-feed`). */
  allowUnsigned?: boolean
  /** The last verdict, so `status --offline` can warn without reading the recipe. */
  verdict?: FeedVerdict
  /** Installed (or last updated) from an air-gapped bundle: the feed URL is not read (src/feed/bundle-only.ts). */
  bundle?: boolean
}

export interface ClusterSettings {
  replicas: number
  network: string
  /** The node id of the manager the app's volumes live on (apps with volumes run one replica there). */
  pinnedTo?: string
}

export interface BackupSettings {
  /** How many snapshots to keep (the newest); default DEFAULT_KEEP in src/backup/retention.ts. */
  keep?: number
  /** Where snapshots go instead of DISCODE_HOME/backups. */
  dir?: string
  /** Set by the first encrypted snapshot: every later one is encrypted, and no plain one is ever restored. */
  encrypted?: boolean
}

/** A snapshot taken while `fromVersion` served, before the migration (preSwitch hooks) of `beforeVersion` ran. */
export interface DataSnapshotRef {
  snapshot: string
  /** The snapshot's directory, so a rollback finds it even when the backup directory moved. */
  path: string
  takenAt: string
  fromVersion: string
  beforeVersion: string
  /** The older releases that run on the data after this migration (a semver range), as the vendor declared it. */
  rollbackTo?: string
}

export interface SecretsRecord {
  /** Values generated from the recipe's `secrets:`, created once and kept. */
  generated: Record<string, string>
  /** Values of inputs marked `secret: true`. */
  inputs: Record<string, string>
  /** Image registry credentials given at install (`--registry-user`/`--registry-password`). */
  registry?: {username: string; password: string}
}

/**
 * discode's records under DISCODE_HOME: `apps/<app>/app.json` and `apps/<app>/secrets.json`, written
 * atomically by conf with mode 0600 in 0700 directories. Docker labels stay the truth about what
 * runs; these records hold what Docker cannot (inputs, secrets, release history).
 */
export class StateStore {
  constructor(readonly home: string) {}

  get appsDir(): string {
    return join(this.home, 'apps')
  }

  appDir(app: string): string {
    return join(this.appsDir, app)
  }

  ensureAppDir(app: string): void {
    mkdirSync(this.appDir(app), {recursive: true, mode: 0o700})
  }

  /** Apps with a record, installed or kept after an uninstall without --purge. */
  apps(): string[] {
    if (!existsSync(this.appsDir)) return []
    return readdirSync(this.appsDir, {withFileTypes: true})
      .filter((entry) => entry.isDirectory() && existsSync(join(this.appsDir, entry.name, 'app.json')))
      .map((entry) => entry.name)
      .sort()
  }

  async read(app: string): Promise<AppRecord | undefined> {
    const file = join(this.appDir(app), 'app.json')
    return existsSync(file) ? readRecord<AppRecord>(file) : undefined
  }

  async write(record: AppRecord): Promise<void> {
    const store = await this.open<AppRecord>(record.app, 'app')
    store.store = {...record, updatedAt: new Date().toISOString()}
  }

  async readSecrets(app: string): Promise<SecretsRecord> {
    const file = join(this.appDir(app), 'secrets.json')
    const stored = existsSync(file) ? readRecord<Partial<SecretsRecord>>(file) : {}
    return {generated: stored.generated ?? {}, inputs: stored.inputs ?? {}, ...(stored.registry ? {registry: stored.registry} : {})}
  }

  /** Every secret value of the app (generated, secret inputs, registry password), for redaction; [] when unreadable. */
  secretValues(app: string): string[] {
    const file = join(this.appDir(app), 'secrets.json')
    try {
      const stored = existsSync(file) ? readRecord<Partial<SecretsRecord>>(file) : {}
      return [
        ...Object.values(stored.generated ?? {}),
        ...Object.values(stored.inputs ?? {}),
        ...(stored.registry ? [stored.registry.password] : []),
      ]
    } catch {
      return []
    }
  }

  async writeSecrets(app: string, secrets: SecretsRecord): Promise<void> {
    const store = await this.open<SecretsRecord>(app, 'secrets')
    store.store = secrets
  }

  /** Forgets the app entirely (uninstall --purge). */
  delete(app: string): void {
    rmSync(this.appDir(app), {recursive: true, force: true})
  }

  /**
   * Starts loading conf without waiting for it: an operation writes only after its first Docker
   * calls, and the module then loads while those wait instead of after them.
   */
  prepareWrites(): void {
    import('conf').catch(() => {}) // a real failure shows at the first write
  }

  /** Writes go through conf (atomic rename, 0600 file in a 0700 directory). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private async open<T extends Record<string, any>>(app: string, name: string): Promise<ConfType<T>> {
    mkdirSync(this.appDir(app), {recursive: true, mode: 0o700})
    // conf pulls in a JSON-schema validator: load it only when a command touches state.
    const {default: Conf} = await import('conf')
    return new Conf<T>({cwd: this.appDir(app), configName: name, configFileMode: 0o600, clearInvalidConfig: false})
  }
}

/**
 * Records are the plain JSON conf writes (atomically, so a reader sees the old or the new file):
 * reading needs no library, and commands that only read (status) never load conf's validator.
 */
function readRecord<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T
  } catch (error) {
    throw new DiscodeError(`discode's record ${file} cannot be read: ${(error as Error).message}`, {
      hint: 'It was edited by hand or the disk is damaged: restore it from a backup, or move the app directory away and install the app again',
      code: 'STATE_UNREADABLE',
    })
  }
}
