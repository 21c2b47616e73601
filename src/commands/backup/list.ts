import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../../base-command.js'
import {formatBytes} from './index.js'

export default class BackupList extends DiscodeCommand {
  static override summary = 'List snapshots: time, release, size, trigger, encryption, verification'
  static override examples = [
    '<%= config.bin %> backup list',
    '<%= config.bin %> backup list myapp --verify',
    '<%= config.bin %> backup list myapp --json',
  ]

  static override args = {app: Args.string({description: 'Only this app'})}
  static override flags = {
    dir: Flags.string({description: 'Look in this backup directory instead of the default'}),
    verify: Flags.boolean({description: 'Check every part against the checksums of its manifest'}),
  }

  async run() {
    const {args, flags} = await this.parse(BackupList)
    const {listBackups} = await import('../../backup/backup-app.js')
    const snapshots = await listBackups(await this.engine(), {app: args.app, dir: flags.dir, verify: flags.verify})
    if (snapshots.length === 0) this.log(`No snapshots${args.app ? ` of ${args.app}` : ''}. Take one with "discode backup APP".`)
    else {
      this.table([
        ['APP', 'SNAPSHOT', 'CREATED', 'RELEASE', 'SIZE', 'TRIGGER', 'CONTENTS', 'VERIFIED'],
        ...snapshots.map((s) => [
          s.app,
          s.id,
          s.createdAt,
          s.release ?? '-',
          formatBytes(s.bytes),
          s.trigger,
          s.encrypted ? 'encrypted' : 'contains secrets',
          s.verified === undefined ? '-' : s.verified ? 'ok' : `DAMAGED: ${s.problem}`,
        ]),
      ])
    }
    return {snapshots}
  }
}
