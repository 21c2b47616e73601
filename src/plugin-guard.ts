/**
 * The run-time side of the plugin rules (plugin-rules.ts): oclif loads every user and linked plugin at
 * start-up, and would then run its init/prerun/postrun/... hooks and its commands in discode's process
 * (and import its command modules to build a manifest it lacks). bin/run.js calls guardPlugins before
 * oclif starts: every plugin outside discode's own package (its root and its node_modules) is loaded with
 * no commands and with its `discode:*` hooks only, which discode runs sandboxed. So a package.json edited
 * after `plugins install` to add a prerun hook gets nothing run.
 */
import {relative, resolve} from 'node:path'

import {discodeHooksOnly} from './plugin-rules.js'

interface LoadingPlugin {
  root: string
  name: string
  version: string
  hooks: Record<string, unknown[]>
  commandIDs: string[]
  _manifest(): Promise<{commands: Record<string, unknown>; version: string}>
}

/** discode's own package and its dependencies (the core oclif plugins). */
export function isDiscodeOwn(discodeRoot: string, pluginRoot: string): boolean {
  const inside = relative(resolve(discodeRoot), resolve(pluginRoot))
  return inside === '' || inside.split(/[/\\]/)[0] === 'node_modules'
}

export function guardPlugins(
  PluginClass: {prototype: unknown},
  discodeRoot: string,
  warn: (message: string) => void = (message) => process.stderr.write(`Warning: ${message}\n`),
): void {
  const proto = PluginClass.prototype as LoadingPlugin
  const original = proto._manifest
  proto._manifest = async function (this: LoadingPlugin) {
    if (isDiscodeOwn(discodeRoot, this.root)) return original.call(this)
    const {kept, dropped} = discodeHooksOnly(this.hooks)
    if (dropped.length > 0)
      warn(`Ignoring the oclif hooks ${dropped.join(', ')} of plugin ${this.name}: discode runs only the discode:* hooks of plugins`)
    this.hooks = kept
    this.commandIDs = []
    return {commands: {}, version: this.version}
  }
}
