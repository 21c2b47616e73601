import {DiscodeCommand} from '../../base-command.js'
import {joinCommand} from '../../cluster/membership.js'

export default class ClusterJoinCommand extends DiscodeCommand {
  static override summary = 'Print the command a new machine runs to join the cluster as a worker'
  static override description = `The command holds the swarm's worker join token: anyone with it can add a machine to the cluster, so share it like a password. It is printed here and nowhere else (no log, no journal).`

  static override examples = [
    {description: 'Print it, then run it on the new machine', command: '<%= config.bin %> cluster join-command'},
    {description: 'For a provisioning script', command: '<%= config.bin %> cluster join-command --json'},
  ]

  async run() {
    await this.parse(ClusterJoinCommand)
    const result = await joinCommand(await this.engine())
    this.log(result.command)
    return result
  }
}
