import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../../base-command.js'

export default class ProxyLogs extends DiscodeCommand {
  static override enableJsonFlag = false
  static override summary = "Show the proxy container's logs"
  static override examples = ['<%= config.bin %> proxy logs --tail 20', '<%= config.bin %> proxy logs --follow']
  static override flags = {
    follow: Flags.boolean({char: 'f', description: 'Keep printing new lines'}),
    tail: Flags.integer({char: 'n', description: 'Number of lines from the end', default: 100, min: 0}),
  }

  async run() {
    const {flags} = await this.parse(ProxyLogs)
    const abort = new AbortController()
    process.once('SIGINT', () => abort.abort())
    const {proxy} = await this.engine()
    await proxy.logs({tail: flags.tail, follow: flags.follow, stdout: process.stdout, stderr: process.stderr, signal: abort.signal})
  }
}
