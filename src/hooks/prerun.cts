import type {Hook} from '@oclif/core'

/**
 * Runs before every command and returns at once for all but `plugins` commands. That is also why it
 * is CommonJS (.cts): oclif loads it for every command, and a require costs about 1 ms where an ES
 * module import costs several.
 * - Every `plugins` command: npm runs no package scripts (install, postinstall, prepare...).
 * - `plugins install`: the package is checked before npm installs it (plugin-install-check.ts).
 * - `plugins uninstall` would take away the recipe (and hooks) that installed apps update from. The
 *   apps would keep running, but their next update would fail; so refuse, naming them, unless the user
 *   insists.
 */
const hook: Hook<'prerun'> = async function ({Command, argv, config}) {
  if (!Command.id.startsWith('plugins')) return
  process.env.npm_config_ignore_scripts = 'true'
  const names = argv.filter((arg) => !arg.startsWith('-'))
  if (Command.id === 'plugins:install' && !argv.includes('--help')) {
    const {checkPluginPackage} = await import('../plugin-install-check.js')
    for (const spec of names) {
      try {
        await checkPluginPackage(spec, {cwd: config.dataDir, registry: config.npmRegistry})
      } catch (error) {
        const {message, hint} = error as {message: string; hint?: string}
        process.stderr.write(`Error: ${message}\n${hint ? `Hint: ${hint}\n` : ''}`)
        this.exit(1)
      }
    }
  }
  if (Command.id !== 'plugins:uninstall' || process.env.DISCODE_FORCE_PLUGIN_UNINSTALL === '1') return
  const {appsFromPlugins} = await import('../lifecycle/plugin-apps.js')
  const {settingsFromEnv} = await import('../config.js')
  const inUse = await appsFromPlugins(settingsFromEnv(process.env, config.configDir).home, names)
  if (inUse.length === 0) return
  const list = inUse.map(({app, plugin}) => `${app} (${plugin})`).join(', ')
  // Printed like every other discode error (one line and a hint), not wrapped by oclif.
  process.stderr.write(`Error: Installed apps come from this plugin: ${list}; their updates need it\n`)
  process.stderr.write(
    `Hint: Uninstall those apps first ("discode uninstall APP"). They keep running either way; to remove the plugin anyway, set DISCODE_FORCE_PLUGIN_UNINSTALL=1\n`,
  )
  this.exit(1)
}

export default hook
