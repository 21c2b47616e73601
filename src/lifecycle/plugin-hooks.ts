import type {DiscodeHookContext, DiscodeHookEvent} from '../../packages/discode-types/index.js'

// One source of truth: the types vendors install as @discode/types are the ones the engine builds.
export type {DiscodeHookContext, DiscodeHookEvent, HookRelease} from '../../packages/discode-types/index.js'

/** Runs one event's hooks; supplied by the command layer (oclif) so the engine never imports it. */
export interface PluginHooks {
  run(event: DiscodeHookEvent, context: DiscodeHookContext): Promise<void>
}
