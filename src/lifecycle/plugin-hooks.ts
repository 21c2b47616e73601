/** The events a vendor plugin can hook into, in the order they run around a deploy. */
export type DiscodeHookEvent = 'discode:pre-install' | 'discode:post-install' | 'discode:pre-switch' | 'discode:post-switch'

export interface HookRelease {
  version: string
  image: string
  container: string
}

/** What every discode hook receives (besides oclif's own `config`). */
export interface DiscodeHookContext {
  app: string
  recipe: {name: string; source: string}
  /** The release being installed or switched to. */
  release: HookRelease
  /** The release serving before this operation (none on install). */
  previous?: HookRelease
  /** Name of the new release's container. */
  container: string
  /** Runs a command in a one-off container of the new image with the app's env, volumes and network. */
  run(cmd: string[], options?: {timeoutMs?: number}): Promise<{exitCode: number; output: string}>
  /** Prints a line, attributed to the vendor's plugin, on the user's terminal. */
  log(message: string): void
}

/** Runs one event's hooks; supplied by the command layer (oclif) so the engine never imports it. */
export interface PluginHooks {
  run(event: DiscodeHookEvent, context: DiscodeHookContext): Promise<void>
}
