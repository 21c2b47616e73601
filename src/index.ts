/**
 * discode's public API for vendors: the types of the hook events a vendor plugin can register.
 *
 *   import type {Hook} from '@oclif/core'
 *   import type {} from 'discode'   // brings the event types in
 *   const hook: Hook<'discode:pre-switch'> = async function (context) { await context.run(['bin/migrate']) }
 */
import type {DiscodeHookContext} from './lifecycle/plugin-hooks.js'

export type {DiscodeHookContext, DiscodeHookEvent, HookRelease} from './lifecycle/plugin-hooks.js'
// The same declarations as the @discode/types package (packages/discode-types), which vendors use.
export type {DiscodeHook, RecipeFile} from '../packages/discode-types/index.js'
export type {Recipe, RawRecipe} from './recipes/schema.js'

declare module '@oclif/core/hooks' {
  interface Hooks {
    'discode:pre-install': {options: DiscodeHookContext; return: void}
    'discode:post-install': {options: DiscodeHookContext; return: void}
    'discode:pre-switch': {options: DiscodeHookContext; return: void}
    'discode:post-switch': {options: DiscodeHookContext; return: void}
  }
}
