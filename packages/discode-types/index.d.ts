/**
 * @discode/types: what a discode vendor plugin compiles against (plugin API version 1).
 * Declarations only: no runtime code, no dependencies. discode's own source imports the hook types
 * from this file, and checks at compile time that `RecipeFile` matches its recipe schema, so the two
 * cannot drift apart.
 */

/** The events a vendor plugin can hook into, in the order they run around a deploy. */
export type DiscodeHookEvent = 'discode:pre-install' | 'discode:post-install' | 'discode:pre-switch' | 'discode:post-switch'

/** A release as hooks see it. */
export interface HookRelease {
  /** The feed's version, e.g. `1.1.0`. */
  version: string
  /** The image reference from the feed. */
  image: string
  /** The Docker container name of this release. */
  container: string
}

/** The app's address: `href` is e.g. `https://notes.example.com/` (the port only when not 80/443). */
export interface HookUrl {
  href: string
  scheme: 'http' | 'https'
  host: string
  port: number
  /** The recipe's `proxy.pathPrefix`, or `/`. */
  path: string
}

/** What every discode hook receives (besides oclif's own `config` and `context`). */
export interface DiscodeHookContext {
  /** The app instance name (`discode install NAME`). */
  app: string
  /** The recipe the app was installed from; `source` is your package name. */
  recipe: {name: string; source: string}
  /** The release being installed or switched to. */
  release: HookRelease
  /** The release serving before this operation (none on install). */
  previous?: HookRelease
  /** Name of the new release's container (= release.container). */
  container: string
  /** The app's input values, secret inputs excluded (those stay in the app's 0600 secrets file). */
  inputs: Record<string, string>
  /** Where customers reach the app (its first host, through the proxy); none for a catch-all route. */
  url?: HookUrl
  /**
   * Runs a command in a one-off container of the new image with the app's env, volumes and network.
   * Resolves with its exit code and last output lines; never throws on a non-zero exit.
   */
  run(cmd: string[], options?: {timeoutMs?: number}): Promise<{exitCode: number; output: string}>
  /** Prints a line, attributed to the vendor's plugin, on the user's terminal. */
  log(message: string): void
}

/**
 * A hook module's default export. discode calls it in a separate, sandboxed process with the context
 * (`config` is always undefined there: hooks get nothing of discode's); throw to fail.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the event names the hook's use for readers
export type DiscodeHook<Event extends DiscodeHookEvent = DiscodeHookEvent> = (
  this: unknown,
  context: DiscodeHookContext & {config?: unknown; context?: unknown},
) => Promise<void>

/** The event of a support-bundle collector: `"oclif": {"hooks": {"discode:support-bundle": "./dist/hooks/x.js"}}`. */
export type DiscodeSupportBundleEvent = 'discode:support-bundle'

/** What a `discode:support-bundle` collector receives, once per app installed from your recipes. */
export interface SupportBundleContext {
  app: string
  /** `ref` is what the customer installed from; `source` is your package name. */
  recipe: {ref: string; source: string}
  /** The serving release, if any. */
  release?: {version: string; image: string; container: string}
  /** Adds a file `apps/APP/vendor/NAME` to the bundle; it is redacted like every other file. */
  add(name: string, content: string): void
  /** Prints a line, attributed to the vendor's plugin, on the user's terminal. */
  log(message: string): void
}

/** A support-bundle collector module's default export; throwing records the error in the bundle. */
export type DiscodeSupportBundleHook = (this: unknown, context: SupportBundleContext & {config?: unknown}) => Promise<void>

/** A Go-style duration: `500ms`, `5s`, `1m30s`. */
export type Duration = string

/** One input the customer gives at install (`--set NAME=VALUE`, `--set-file`, or the prompt). */
export interface RecipeInputFile {
  name: string
  description?: string
  required?: boolean
  /** A JavaScript regular expression the value must match (write the ^...$ anchors). */
  pattern?: string
  /** Shown to the customer instead of the regular expression when a value does not match. */
  patternMessage?: string
  default?: string
  secret?: boolean
  /** The first release that asks for this input (semver): `update --check` lists it under that step. */
  since?: string
}

export interface RecipeVolumeFile {
  name: string
  path: string
}

export interface RecipeHookFile {
  name: string
  run: string[]
}

/**
 * How discode stops a container (retire, pause, uninstall): `signal`, then SIGKILL after `timeout`,
 * the app's clean-shutdown budget. Defaults: the image's STOPSIGNAL (SIGTERM if it has none); 10s for
 * the app, 30s for accessories.
 */
export interface StopFile {
  signal?: string
  timeout?: Duration
}

export interface RecipeAccessoryFile {
  image: string
  port?: number
  env?: Record<string, string>
  volumes?: RecipeVolumeFile[]
  command?: string[]
  health?: {cmd?: string[]; path?: string}
  /** Docker's --init: a tiny PID 1 that forwards signals (default false). */
  init?: boolean
  stop?: StopFile
  /** A consistent dump for snapshots: `dump` writes it to stdout, `restore` reads it from stdin (run in the accessory). */
  backup?: {dump: string[]; restore: string[]}
}

/** A process run from the release's image beside the web (a worker, a scheduler). */
export interface RecipeProcessFile {
  /** A string splits on spaces; a list keeps arguments with spaces. No templates. */
  command: string | string[]
  /** How many containers run it (default 1). */
  replicas?: number
  /** At most one at any time: the old one stops before the new one starts (default false). */
  singleton?: boolean
  /** Added to (and overriding) the web's env. */
  env?: Record<string, string>
  stop?: StopFile
  /** Healthy when `command` exits 0; without one, when it still runs after `settle` (default 3s). `timeout` default 60s. */
  health?: {command?: string | string[]; timeout?: Duration; settle?: Duration}
}

/** What the host must offer; `discode install` checks it first (preflight). Sizes like `2GB`, `512MiB`. */
export interface RequirementsFile {
  memory?: string
  disk?: string
  cpus?: number
  arch?: ('amd64' | 'arm64' | 'arm' | '386' | 'ppc64le' | 's390x' | 'riscv64')[]
  /** A semver range on the Docker Engine's version, e.g. `>=20.10`. */
  docker?: string
}

/** How kamal-proxy routes to the app; each key maps to the `kamal-proxy deploy` flag of the same meaning. */
export interface RecipeProxyFile {
  /** One host name, or several separated by commas; omitted (with `hosts`) = catch-all route. */
  host?: string
  /** Several host names for the one app (instead of `host`). */
  hosts?: string[]
  /** auto (Let's Encrypt), custom (the customer's own: `discode install --tls-cert --tls-key`), off; true/false = auto/off. */
  tls?: boolean | 'auto' | 'custom' | 'off'
  /** The app below a path, e.g. `/shop` (`--path-prefix`; kamal-proxy v0.9+). */
  pathPrefix?: string
  /** Remove the prefix before forwarding (default true). */
  stripPathPrefix?: boolean
  /** Wait this long for the app's response before a 504 (default 30s). */
  targetTimeout?: Duration
  bufferRequests?: boolean
  /** Larger request bodies get a 413: bytes, or a size like `10MB` (implies request buffering). */
  maxRequestBody?: number | string
  bufferResponses?: boolean
  maxResponseBody?: number | string
  /** Pass X-Forwarded-* headers on (the proxy's default: on without TLS, off with it). */
  forwardHeaders?: boolean
}

/** `recipe.yml` as the vendor writes it (every string value may be a Handlebars template). */
export interface RecipeFile {
  name: string
  title?: string
  image: string
  port?: number
  health?: {path?: string; interval?: Duration; timeout?: Duration; deployTimeout?: Duration}
  feed: string
  /** The feed's ed25519 public key (the line of `discode feed keygen`'s feed.pub). */
  feedKey?: string
  registry?: {username: string; password: string}
  inputs?: RecipeInputFile[]
  secrets?: Record<string, {generate: 'hex' | 'base64url' | 'alphanumeric'; length: number}>
  env?: Record<string, string>
  volumes?: RecipeVolumeFile[]
  proxy?: RecipeProxyFile
  accessories?: Record<string, RecipeAccessoryFile>
  /** Docker's --init for the app's containers: use it when the server ignores SIGTERM as PID 1. */
  init?: boolean
  stop?: StopFile
  requirements?: RequirementsFile
  /** With `discode install --cluster`: how many replicas each release runs (default 2; `--replicas` wins). */
  cluster?: {replicas: number}
  /** `pause`: requests are held while a snapshot is copied; `live` (default): copied while the app runs. */
  backup?: {consistency?: 'live' | 'pause'}
  strategy?: 'bluegreen' | 'pause'
  pause?: {maxPause?: Duration}
  hooks?: {
    preSwitch?: RecipeHookFile[]
    postSwitch?: RecipeHookFile[]
    /** Reverse migrations, run in the image a rollback leaves. */ preRollback?: RecipeHookFile[]
  }
  /** Named processes run from each release's image beside the web; they move with the release. */
  processes?: Record<string, RecipeProcessFile>
  /** Named one-off commands for customers: `discode run APP NAME` (a string splits on spaces). No templates. */
  tasks?: Record<string, string | string[]>
  /**
   * `expand-only`: every release's migrations only add, so every older release runs on newer data and a
   * plain `discode rollback` needs no data choice. A feed entry's `rollbackTo` says it per release.
   */
  migrations?: 'expand-only'
}
