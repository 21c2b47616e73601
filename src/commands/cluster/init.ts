import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../../base-command.js'
import {initCluster} from '../../cluster/membership.js'

export default class ClusterInit extends DiscodeCommand {
  static override summary = 'Make this Docker engine the manager of a Swarm cluster (or adopt the swarm it manages)'
  static override description = `Runs "docker swarm init" unless this engine already manages a swarm, then creates discode's attachable overlay network. Apps installed with --cluster run there; apps installed without it stay on this engine as before.
Add nodes with the command "discode cluster join-command" prints.`

  static override examples = [
    {description: 'Start a cluster on this machine', command: '<%= config.bin %> cluster init'},
    {
      description: 'Name the address the other nodes reach this one at (a machine with several)',
      command: '<%= config.bin %> cluster init --advertise-addr 10.0.0.5',
    },
    {description: 'Adopt the swarm this engine already manages', command: '<%= config.bin %> cluster init --json'},
  ]

  static override flags = {
    'advertise-addr': Flags.string({description: 'Address (or interface) other nodes use to reach this manager'}),
    'listen-addr': Flags.string({description: 'Address:port the manager listens on for the cluster [default: 0.0.0.0:2377]'}),
    'default-addr-pool': Flags.string({
      description: "Subnet the overlay networks' addresses come from, e.g. 10.20.0.0/16 [default: Docker's]",
    }),
  }

  async run() {
    const {flags} = await this.parse(ClusterInit)
    const engine = await this.engine()
    const result = await initCluster(engine, {
      advertiseAddr: flags['advertise-addr'],
      listenAddr: flags['listen-addr'],
      addressPool: flags['default-addr-pool'],
    })
    this.log(
      result.adopted
        ? `This engine already manages a swarm (node ${result.nodeId}): discode uses it`
        : `This engine now manages a new swarm (node ${result.nodeId})`,
    )
    this.log(`Cluster network: ${result.network}${result.networkCreated ? ' (created)' : ''}`)
    this.log('Add a node: run "discode cluster join-command" and run what it prints on the new machine')
    return result
  }
}
