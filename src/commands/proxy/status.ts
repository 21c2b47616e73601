import {DiscodeCommand} from '../../base-command.js'

export default class ProxyStatus extends DiscodeCommand {
  static override summary = "Show the proxy container's state and its routes"
  static override examples = ['<%= config.bin %> proxy status', '<%= config.bin %> proxy status --json']

  async run() {
    await this.parse(ProxyStatus)
    const {proxy} = await this.engine()
    const status = await proxy.status()
    this.log(`Proxy ${status.container}: ${status.state}${status.image ? ` (${status.image})` : ''}`)
    for (const route of status.routes) {
      this.log(
        `  ${route.service}  ${route.hosts.join(',') || '*'}  → ${route.targets.join(',')}  ${route.state}${route.tls ? '  tls' : ''}`,
      )
    }
    return status
  }
}
