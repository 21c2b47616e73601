import * as Args from '@oclif/core/args'

import {DiscodeCommand} from '../../base-command.js'
import {rebalance} from '../../cluster/rebalance.js'

export default class ClusterRebalance extends DiscodeCommand {
  static override summary = "Spread a cluster app's replicas over the ready nodes again"
  static override description = `A release deployed while a node was down runs on the others, and nodes added later get none of it: Swarm never moves running replicas. This replaces them one at a time, each node taking its share, while the others serve. Does nothing when the spread is even ("discode cluster status" says when it is not).`

  static override examples = [
    {
      description: 'After a node came back or was added ("discode cluster status" says so)',
      command: '<%= config.bin %> cluster rebalance shop',
    },
    {description: 'From a script', command: '<%= config.bin %> cluster rebalance shop --json'},
  ]

  static override args = {app: Args.string({description: 'Installed cluster app', required: true})}

  async run() {
    const {args} = await this.parse(ClusterRebalance)
    const result = await rebalance(await this.engine(), args.app)
    for (const unit of [result, ...result.processes]) {
      const spread = Object.entries(unit.nodes)
        .map(([node, count]) => `${node}: ${count}`)
        .join(', ')
      this.log(unit.moved ? `Spread ${unit.service} again (${spread})` : `${unit.service} is spread evenly already (${spread})`)
    }
    return result
  }
}
