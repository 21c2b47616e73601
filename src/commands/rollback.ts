import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {heldText} from '../cli/held-text.js'
import {DiscodeCommand} from '../base-command.js'
import {rollback} from '../lifecycle/rollback.js'

export default class Rollback extends DiscodeCommand {
  static override summary = 'Switch back to the previous release with zero downtime'
  static override description = `Starts a release still kept on this host (the previous one, or --to) and switches traffic to it through the same health-checked proxy deploy. Hooks do not run on rollback.`

  static override examples = [
    {description: 'Back to the release that served before the last update', command: '<%= config.bin %> rollback myapp'},
    {description: 'Back to a named release kept on this host', command: '<%= config.bin %> rollback myapp --to 1.0.0'},
  ]

  static override args = {app: Args.string({description: 'Installed app name', required: true})}
  static override flags = {
    to: Flags.string({description: 'Version to roll back to (must still be on this host)'}),
    ...DiscodeCommand.waitFlag,
  }

  async run() {
    const {args, flags} = await this.parse(Rollback)
    const result = await rollback(await this.engine(), {app: args.app, to: flags.to, wait: flags.wait})
    this.log(`Rolled back ${args.app} ${result.from?.version} → ${result.to.version} (${result.to.container})${heldText(result.heldMs)}`)
    return {...result, elapsed: this.elapsed()}
  }
}
