import {DiscodeCommand} from '../../base-command.js'
import {discodeRoutes, ownershipNote} from '../../proxy/ownership.js'

export default class ProxyStatus extends DiscodeCommand {
  static override summary = "Show the proxy container's state, who owns it, its networks and its routes"
  static override examples = ['<%= config.bin %> proxy status', '<%= config.bin %> proxy status --json']

  async run() {
    await this.parse(ProxyStatus)
    const {proxy, store} = await this.engine()
    const status = await proxy.status()
    const ours = new Set(discodeRoutes(status.routes, store.apps()).map((r) => r.service))
    this.log(`Proxy ${status.container}: ${status.state}${status.image ? ` (${status.image})` : ''}`)
    if (status.ownership) this.log(`  ${ownershipNote(status.ownership)}`)
    if (status.state !== 'missing') {
      this.log(`  networks: ${status.networks.join(', ') || 'none'}`)
      if (!status.onNetwork) this.warn(`The proxy is not on its network ${status.network}: "discode proxy boot" attaches it`)
      if (status.missingAppNetworks.length > 0)
        this.warn(
          `The proxy is not on the apps' networks ${status.missingAppNetworks.join(', ')}, so it cannot reach those apps: "discode proxy boot" attaches it`,
        )
    }
    for (const route of status.routes) {
      this.log(
        `  ${route.service}  ${route.hosts.join(',') || '*'}  → ${route.targets.join(',')}  ${route.state}${route.tls ? '  tls' : ''}${ours.has(route.service) ? '' : "  (not discode's)"}`,
      )
    }
    return {...status, routes: status.routes.map((route) => ({...route, discode: ours.has(route.service)}))}
  }
}
