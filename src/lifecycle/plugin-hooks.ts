import type {DiscodeHookContext, DiscodeHookEvent} from '../../packages/discode-types/index.js'

// One source of truth: the types vendors install as @discode/types are the ones the engine builds.
export type {DiscodeHookContext, DiscodeHookEvent, HookRelease} from '../../packages/discode-types/index.js'

/** Runs one event's hooks; supplied by the command layer (oclif) so the engine never imports it. */
export interface PluginHooks {
  /** Whether the plugin has a hook on this event (no step is shown for one it has not). */
  has(event: string): boolean
  /** Runs the event's hooks outside discode's process: the context's functions are what they may call. */
  run(event: DiscodeHookEvent | 'discode:support-bundle', context: DiscodeHookContext | object): Promise<void>
}
