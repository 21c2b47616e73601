import {DiscodeCommand} from '../../base-command.js'
import {clusterStatus} from '../../cluster/status.js'

export default class ClusterStatus extends DiscodeCommand {
  static override summary = "List the cluster's nodes with their state, and where each cluster app's replicas run"
  static override examples = ['<%= config.bin %> cluster status', '<%= config.bin %> cluster status --json']

  async run() {
    await this.parse(ClusterStatus)
    const status = await clusterStatus(await this.engine())
    for (const node of status.nodes) {
      const role = node.leader ? 'manager (leader)' : node.role
      this.log(
        `${node.hostname}${node.self ? ' *' : ''}  ${role}  ${node.state}  ${node.availability}${node.address ? `  ${node.address}` : ''}`,
      )
    }
    for (const app of status.apps) {
      const spread = Object.entries(app.nodes)
        .map(([node, count]) => `${node}: ${count}`)
        .join(', ')
      this.log(`${app.app} ${app.version}: ${app.running}/${app.wanted} replicas running${spread ? ` (${spread})` : ''}`)
      if (app.network) this.log(`  network ${app.network.note}`)
      for (const p of app.processes ?? []) {
        const where = Object.entries(p.nodes).map(([node, count]) => `${node}: ${count}`)
        this.log(`  ${p.name}: ${p.running}/${p.wanted} replicas running${where.length > 0 ? ` (${where.join(', ')})` : ''}`)
      }
      if (app.reason) this.warn(`${app.app}: ${app.reason}`)
      if (app.uneven)
        this.warn(`${app.app}: a node runs less than its share: "discode cluster rebalance ${app.app}" spreads the replicas again`)
    }
    return status
  }
}
