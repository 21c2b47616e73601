import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../base-command.js'
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
    // Chosen before the SIGINT handler: a runtime's code loaded after it could add exit handlers that re-raise the signal.
    const runtime = await engine.runtimeFor(record)
    const abort = new AbortController()
    process.once('SIGINT', () => abort.abort())
    const options = {tail: flags.tail, follow: flags.follow, stdout: process.stdout, stderr: process.stderr, signal: abort.signal}
    if (!flags.process) return runtime.streamLogs(engine.docker, record.current, options)
    // A recipe process: all its replicas (on one host its containers, on a cluster its service).
    const [{streamContainerLogs}, {processContainers}] = await Promise.all([
      import('../docker/docker.js'),
      import('../lifecycle/processes/select.js'),
    ])
    const seen = await runtime.processes.list({engine, app: args.app})
    const containers = processContainers(args.app, record.current, seen, flags.process)
    const service = runtime.processes.units === 'service'
    const stream = (container: string) => streamContainerLogs(engine.docker, container, {...options, service})
    // Replicas one after the other; followed, all at once.
    if (flags.follow) await Promise.all(containers.map(stream))
    else for (const container of containers) await stream(container)
  }
}
