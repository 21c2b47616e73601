/**
 * The vendor plugin a bundle carries, installed offline before `install --bundle` / `update --bundle`
 * runs, so that its discode:* hooks (sandboxed) run: `discode plugins install file:TARBALL` in a child
 * process, which goes through the same checks as any `plugins install` (prerun hook: no install
 * scripts, only discode:* hooks, no commands) with npm kept offline. This process then reloads its
 * plugins, so the recipe and hooks it resolves next are the bundle's version.
 */
import {execFile} from 'node:child_process'
import {join} from 'node:path'

import type {Config} from '@oclif/core/config'

import {DiscodeError} from '../errors.js'

export interface PluginHost {
  config: Config
}

/** Installs (or updates to) the bundle's plugin tarball; `log` gets its name and version. */
export async function installBundledPlugin(host: PluginHost, tarball: string, log: (line: string) => void): Promise<void> {
  const bin = join(host.config.root, 'bin', 'run.js')
  const output = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      [bin, 'plugins', 'install', `file:${tarball}`],
      // npm must not look for anything on a registry: the tarball has all there is.
      {env: {...process.env, npm_config_offline: 'true', npm_config_audit: 'false'}, maxBuffer: 8 * 1024 * 1024},
      (error, stdout, stderr) => {
        if (!error) resolve(`${stdout}\n${stderr}`)
        else reject(refused(tarball, `${stdout}\n${stderr}`, error))
      },
    ),
  )
  const installed = /installed (v\S+)/.exec(output)?.[1]
  log(`Installed the bundle's plugin ${installed ? `(${installed}) ` : ''}offline`)
  const {Config: ConfigClass} = await import('@oclif/core/config')
  // Without the plugin list the running config was given (oclif would reuse it): read the plugins again.
  const {plugins: _loaded, ...options} = host.config.options
  host.config = await ConfigClass.load(options)
}

function refused(tarball: string, output: string, error: Error): DiscodeError {
  const lines = output.split('\n').map((line) => line.trim())
  const reason =
    lines
      .find((line) => line.startsWith('Error:'))
      ?.slice('Error:'.length)
      .trim() ?? error.message.split('\n')[0]
  const hint = lines
    .find((line) => line.startsWith('Hint:'))
    ?.slice('Hint:'.length)
    .trim()
  return new DiscodeError(`the bundle's plugin ${tarball} could not be installed: ${reason}`, {
    code: 'BUNDLE_PLUGIN_REFUSED',
    hint: hint ?? 'Nothing of it was installed; the app was not changed. Ask the vendor for the bundle again',
  })
}

/** The recipe an install from this bundle uses: the bundle's plugin's (once installed), else the bundle's own files. */
export function bundleRecipeRef(bundle: {
  recipeDir: string
  plugin?: string
  opened: {manifest: {app: string; plugin?: {name: string}}}
}): string {
  const {manifest} = bundle.opened
  return bundle.plugin && manifest.plugin ? `${manifest.plugin.name}:${manifest.app}` : bundle.recipeDir
}
