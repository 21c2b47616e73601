/**
 * What a vendor plugin may declare: recipes and `discode:*` hooks, which discode runs sandboxed. oclif
 * would run a plugin's other hooks (init, prerun, postrun, command_not_found, ...) and its commands in
 * discode's own process, on every command, and npm its install scripts as root: those are refused at
 * `plugins install` and never loaded at run time (see plugin-guard.ts).
 */

export interface PluginPackageJson {
  name?: string
  scripts?: Record<string, unknown>
  oclif?: {hooks?: Record<string, unknown>; commands?: unknown; plugins?: unknown; devPlugins?: unknown}
}

/** npm runs these on install (prepare: from a git or directory spec). */
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare']

export const isDiscodeHook = (event: string): boolean => event.startsWith('discode:')

/** Why a plugin package must not be installed; empty when it may. */
export function pluginRefusals(pjson: PluginPackageJson): string[] {
  const reasons: string[] = []
  const scripts = INSTALL_SCRIPTS.filter((name) => typeof pjson.scripts?.[name] === 'string')
  if (scripts.length > 0) reasons.push(`it has install scripts (${scripts.join(', ')}), which discode never runs`)
  const hooks = Object.keys(pjson.oclif?.hooks ?? {}).filter((event) => !isDiscodeHook(event))
  if (hooks.length > 0) reasons.push(`it registers oclif hooks other than discode:* (${hooks.join(', ')}), which would run inside discode`)
  if (pjson.oclif?.commands !== undefined)
    reasons.push('it ships commands (oclif.commands): a plugin adds recipes and discode:* hooks only')
  const nested = [pjson.oclif?.plugins, pjson.oclif?.devPlugins].flatMap((list) => (Array.isArray(list) ? list : []))
  if (nested.length > 0) reasons.push(`it loads other oclif plugins (${nested.join(', ')})`)
  return reasons
}

/** A plugin's hooks reduced to the `discode:*` ones, and the names of those dropped. */
export function discodeHooksOnly<T>(hooks: Record<string, T>): {kept: Record<string, T>; dropped: string[]} {
  const entries = Object.entries(hooks)
  return {
    kept: Object.fromEntries(entries.filter(([event]) => isDiscodeHook(event))),
    dropped: entries.map(([event]) => event).filter((event) => !isDiscodeHook(event)),
  }
}
