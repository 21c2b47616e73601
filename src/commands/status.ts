import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../base-command.js'
import {accessorySummary} from '../cli/accessory-text.js'
import {processSummary} from '../lifecycle/processes/status.js'
import {status} from '../lifecycle/status.js'
import {tlsCell, tlsStatus} from '../tls/status.js'

export default class Status extends DiscodeCommand {
  static override summary = 'Show installed apps: version, container, health, route, TLS (and certificate expiry) and available update'
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status myapp --json', '<%= config.bin %> status --offline']
  static override args = {app: Args.string({description: 'Only this app'})}
  static override flags = {offline: Flags.boolean({description: "Do not read the vendors' feeds for available updates"})}

  async run() {
    const {args, flags} = await this.parse(Status)
    const engine = await this.engine()
    const found = await status(engine, {app: args.app, checkUpdates: !flags.offline})
    const apps = found.map((app) => ({...app, tls: tlsStatus(engine.settings.home, app.app, app.route?.tls)}))
    for (const app of apps)
      if (app.tls.warning)
        this.warn(`${app.app}: ${app.tls.warning}: renew it, then "discode update ${app.app} --tls-cert FILE --tls-key FILE"`)
    if (apps.length === 0) this.log('No apps installed. Install one with "discode install APP".')
    else {
      this.table([
        ['APP', 'VERSION', 'CONTAINER', 'HEALTH', 'HOSTS', 'TLS', 'ACCESSORIES', 'UPDATE'],
        ...apps.map((app) => [
          app.app,
          app.version,
          app.cluster ? `${app.container} (${app.cluster.running}/${app.cluster.wanted} replicas)` : app.container,
          app.health,
          app.route ? app.route.hosts.join(',') || '*' : '-',
          tlsCell(app.tls),
          accessorySummary(app.accessories),
          app.update?.available ?? (app.update?.error ? `check failed: ${app.update.error}` : app.update ? 'up to date' : '-'),
        ]),
      ])
      for (const app of apps.filter((a) => a.processes)) this.log(`${app.app} processes: ${processSummary(app.processes!)}`)
    }
    return {apps, elapsed: this.elapsed()}
  }
}
