import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../base-command.js'
import {accessorySummary} from '../cli/accessory-text.js'
import {status} from '../lifecycle/status.js'

export default class Status extends DiscodeCommand {
  static override summary = 'Show installed apps: version, container, health, route and available update'
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status myapp --json', '<%= config.bin %> status --offline']
  static override args = {app: Args.string({description: 'Only this app'})}
  static override flags = {offline: Flags.boolean({description: "Do not read the vendors' feeds for available updates"})}

  async run() {
    const {args, flags} = await this.parse(Status)
    const apps = await status(await this.engine(), {app: args.app, checkUpdates: !flags.offline})
    if (apps.length === 0) this.log('No apps installed. Install one with "discode install APP".')
    else {
      this.table([
        ['APP', 'VERSION', 'CONTAINER', 'HEALTH', 'HOSTS', 'ACCESSORIES', 'UPDATE'],
        ...apps.map((app) => [
          app.app,
          app.version,
          app.container,
          app.health,
          app.route ? app.route.hosts.join(',') || '*' : '-',
          accessorySummary(app.accessories),
          app.update?.available ?? (app.update?.error ? `check failed: ${app.update.error}` : app.update ? 'up to date' : '-'),
        ]),
      ])
    }
    return {apps, elapsed: this.elapsed()}
  }
}
