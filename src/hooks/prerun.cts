import type {Hook} from '@oclif/core'

/**
 * `discode plugins uninstall` would take away the recipe (and hooks) that installed apps update from.
 * The apps would keep running, but their next update would fail; so refuse, naming them, unless the
 * user insists. Runs before every command: it returns at once for all others. That is also why it is
 * CommonJS (.cts): oclif loads it for every command, and a require costs about 1 ms where an ES module
 * import costs several.
 */
const hook: Hook<'prerun'> = async function ({Command, argv, config}) {
  if (Command.id !== 'plugins:uninstall' || process.env.DISCODE_FORCE_PLUGIN_UNINSTALL === '1') return
  const {appsFromPlugins} = await import('../lifecycle/plugin-apps.js')
  const {settingsFromEnv} = await import('../config.js')
  const names = argv.filter((arg) => !arg.startsWith('-'))
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
