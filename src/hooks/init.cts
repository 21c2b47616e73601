import type {Hook} from '@oclif/core'

/**
 * Running as root, refuse to start from (or with) directories another user can change: the state
 * directory, the plugin directory, the installation itself (see ownership.cts). A handful of stat
 * calls, and nothing at all for other users.
 */
const hook: Hook<'init'> = async function ({config}) {
  if (process.geteuid?.() !== 0) return
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const {unsafePaths} = require('./ownership.cjs') as typeof import('./ownership.cjs')
  const home = process.env.DISCODE_HOME || config.configDir
  const [unsafe] = unsafePaths([
    {what: 'the state directory (DISCODE_HOME)', path: home},
    {what: 'the plugin directory', path: config.dataDir},
    {what: "discode's installation", path: config.root},
  ])
  if (!unsafe) return
  const why = unsafe.component === unsafe.path ? `it is ${unsafe.reason}` : `${unsafe.component} is ${unsafe.reason}`
  process.stderr.write(`Error: discode runs as root, but ${unsafe.what} ${unsafe.path} can be changed by another user: ${why}\n`)
  process.stderr.write(`Hint: ${unsafe.fix} (only root may be able to change what root runs and reads); then run the command again\n`)
  this.exit(1)
}

export default hook
