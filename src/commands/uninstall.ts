import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../base-command.js'
import {uninstall} from '../lifecycle/uninstall.js'

export default class Uninstall extends DiscodeCommand {
  static override summary = "Remove an app's route, containers and images"
  static override description = "Volumes (the app's data) and its secrets are kept, so installing it again finds them, unless --purge."
  static override examples = [
    {description: 'Remove the app, keep its data', command: '<%= config.bin %> uninstall myapp'},
    {description: 'Remove the app and delete its data and secrets', command: '<%= config.bin %> uninstall myapp --purge'},
  ]

  static override args = {app: Args.string({description: 'Installed app name', required: true})}
  static override flags = {purge: Flags.boolean({description: "Also delete the app's volumes and secrets"}), ...DiscodeCommand.waitFlag}

  async run() {
    const {args, flags} = await this.parse(Uninstall)
    const result = await uninstall(await this.engine(), {app: args.app, purge: flags.purge, wait: flags.wait})
    const kept = result.volumes.kept.length > 0 ? `; kept volume(s) ${result.volumes.kept.join(', ')} (use --purge to delete)` : ''
    this.log(`Uninstalled ${args.app}${kept}`)
    return {...result, elapsed: this.elapsed()}
  }
}
