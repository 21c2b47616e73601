import type {Interfaces} from '@oclif/core'
import {createRequire} from 'node:module'
import {resolve} from 'node:path'

import {DiscodeError} from './errors.js'
import type {PluginHooks} from './lifecycle/plugin-hooks.js'
import type {RecipeRoot} from './recipes/resolve.js'

/**
 * Where oclif meets the engine for vendor plugins: which plugins ship recipes, and running one
 * vendor's hooks. oclif's own `config.runHook` runs every plugin's hooks; a vendor's hooks must run
 * only for apps installed from that vendor's recipes, so they are loaded from that plugin alone.
 */

/** The recipe API versions this discode understands, as a semver range on `discode.apiVersion`. */
export const SUPPORTED_API_VERSIONS = '^1'

interface DiscodePjson {
  discode?: {apiVersion?: number | string; recipes?: string}
}

/** semver loads some fifty files: it is required only once a plugin that ships recipes is found. */
const requireWhenNeeded = createRequire(import.meta.url)

export function pluginRecipeRoots(config: Interfaces.Config, warn: (message: string) => void): RecipeRoot[] {
  const roots: RecipeRoot[] = []
  for (const plugin of config.getPluginsList()) {
    const meta = (plugin.pjson as DiscodePjson).discode
    if (!meta?.recipes || plugin.isRoot) continue
    const semver = requireWhenNeeded('semver') as typeof import('semver')
    const version = semver.coerce(String(meta.apiVersion ?? ''))
    if (!version || !semver.satisfies(version, SUPPORTED_API_VERSIONS)) {
      warn(
        `Ignoring the recipes of ${plugin.name}: it targets discode API ${meta.apiVersion ?? '(none)'}, this discode supports ${SUPPORTED_API_VERSIONS}`,
      )
      continue
    }
    roots.push({source: plugin.name, dir: resolve(plugin.root, meta.recipes)})
  }
  return roots
}

/** Each vendor hook may take this long before it is killed and counts as failed. */
const HOOK_TIMEOUT_MS = 10 * 60_000

export class VendorHookError extends DiscodeError {}

/**
 * The hooks of the plugin named `source` (a recipe's source); none for built-in or path recipes. They
 * run outside this process (src/sandbox/run-hook.ts): a vendor's code never gets discode's memory,
 * oclif's Config, the Docker socket or DISCODE_HOME, only its context's data and calls.
 */
export function vendorHooks(
  config: Interfaces.Config,
  source: string,
  options: {timeoutMs?: number; warn?: (message: string) => void} = {},
): PluginHooks | undefined {
  const plugin = config.getPluginsList().find((p) => p.name === source && !p.isRoot)
  if (!plugin) return undefined
  const timeoutMs = options.timeoutMs ?? HOOK_TIMEOUT_MS
  return {
    has: (event) => (plugin.hooks[event] ?? []).length > 0,
    async run(event, context) {
      const hooks = plugin.hooks[event] ?? []
      if (hooks.length === 0) return
      const {runSandboxed} = await import('./sandbox/run-hook.js')
      try {
        await runSandboxed({pluginName: plugin.name, pluginRoot: plugin.root, event, hooks, timeoutMs}, context, options.warn)
      } catch (error) {
        throw new VendorHookError(`${event} hook of ${plugin.name} failed: ${(error as Error)?.message ?? String(error)}`, {
          hint: `The vendor's hook stopped the operation; contact ${plugin.name}'s vendor if it persists`,
          code: 'HOOK_FAILED',
          cause: error,
        })
      }
    },
  }
}
