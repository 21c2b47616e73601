import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../base-command.js'
import {streamContainerLogs} from '../docker/docker.js'
import {listProcesses} from '../lifecycle/processes/move.js'
import {processContainers} from '../lifecycle/processes/select.js'
import {installedRecord} from '../state/installed.js'

export default class Logs extends DiscodeCommand {
  static override enableJsonFlag = false
  static override summary = "Show the serving container's logs (a cluster app's: all its replicas; --process: a recipe process's)"
  static override examples = [
    '<%= config.bin %> logs myapp --tail 50',
    '<%= config.bin %> logs myapp --follow',
    '<%= config.bin %> logs myapp --process worker',
  ]
  static override args = {app: Args.string({description: 'Installed app name', required: true})}
  static override flags = {
    follow: Flags.boolean({char: 'f', description: 'Keep printing new lines'}),
    tail: Flags.integer({char: 'n', description: 'Number of lines from the end', default: 100, min: 0}),
    process: Flags.string({description: 'A recipe process (all its replicas) instead of the web'}),
  }

  async run() {
    const {args, flags} = await this.parse(Logs)
    const engine = await this.engine()
    const record = await installedRecord(engine.store, args.app)
    const abort = new AbortController()
    process.once('SIGINT', () => abort.abort())
    const seen = flags.process ? await listProcesses({engine, app: args.app}) : []
    const containers = processContainers(args.app, record.current, seen, flags.process)
    const stream = (container: string) =>
      streamContainerLogs(engine.docker, container, {
        tail: flags.tail,
        follow: flags.follow,
        stdout: process.stdout,
        stderr: process.stderr,
        signal: abort.signal,
        service: Boolean(record.cluster),
      })
    // Replicas one after the other; followed, all at once.
    if (flags.follow) await Promise.all(containers.map(stream))
    else for (const container of containers) await stream(container)
  }
}
