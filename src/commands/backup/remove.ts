import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../../base-command.js'

export default class BackupRemove extends DiscodeCommand {
  static override summary = 'Delete one snapshot'
  static override examples = ['<%= config.bin %> backup remove myapp 20261201-202501-manual-3fa2']
  static override args = {
    app: Args.string({description: 'App name', required: true}),
    snapshot: Args.string({description: 'Snapshot id (see "discode backup list")', required: true}),
  }

  static override flags = {
    dir: Flags.string({description: 'The backup directory it is in, if not the default'}),
    ...DiscodeCommand.waitFlag,
  }

  async run() {
    const {args, flags} = await this.parse(BackupRemove)
    const {removeBackup} = await import('../../backup/backup-app.js')
    const result = await removeBackup(await this.engine(), {app: args.app, snapshot: args.snapshot, dir: flags.dir, wait: flags.wait})
    this.log(`Removed snapshot ${result.id} of ${result.app} (${result.dir})`)
    return result
  }
}
