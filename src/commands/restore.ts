import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../base-command.js'

export default class Restore extends DiscodeCommand {
  static override summary = 'Verify a snapshot, then bring its data back (or reinstall the app from it)'
  static override description =
    "Every checksum is checked before anything is touched. Into an installed app, the app's data is replaced while its requests are held by the proxy (users wait, they see no error). Onto a host where the app is not installed, the snapshot's release is installed again with its inputs, secrets and data (disaster recovery)."
  static override examples = [
    {
      description: 'Restore a snapshot listed by "discode backup list"',
      command: '<%= config.bin %> restore myapp 20261201-202501-manual-3fa2',
    },
    {
      description: 'Disaster recovery from a copied snapshot directory',
      command: '<%= config.bin %> restore myapp /mnt/usb/myapp/20261201-202501-manual-3fa2 --yes',
    },
  ]

  static override args = {
    app: Args.string({description: 'App name', required: true}),
    snapshot: Args.string({description: 'Snapshot id, or the path of a snapshot directory', required: true}),
  }

  static override flags = {
    yes: Flags.boolean({description: "Do not ask before replacing the app's data (required without a terminal)"}),
    dir: Flags.string({description: 'The backup directory the snapshot is in, if not the default'}),
    'passphrase-file': Flags.string({
      description: 'File holding the passphrase of an encrypted snapshot (- for standard input); or DISCODE_BACKUP_PASSPHRASE',
    }),
    'trust-unauthenticated': Flags.boolean({
      description:
        'Restore a snapshot whose manifest cannot be authenticated here (a plain snapshot from another host without its backup-host.key, or one of an older discode): whoever could write it chooses the data restored',
    }),
    ...DiscodeCommand.waitFlag,
  }

  async run() {
    const {args, flags} = await this.parse(Restore)
    const [{restoreSnapshot}, {readPassphrase}, {listBackups}, {destructionWarning}] = await Promise.all([
      import('../backup/restore.js'),
      import('../backup/passphrase.js'),
      import('../backup/backup-app.js'),
      import('../backup/confirm.js'),
    ])
    const engine = await this.engine()
    const installed = Boolean((await engine.store.read(args.app))?.current)
    if (installed && !flags.yes) {
      await this.confirmOrStop(`Replacing the data of ${args.app}`, async () =>
        destructionWarning({
          action: `restore of ${args.snapshot}`,
          deletes: [
            `the current data of ${args.app} (its volumes and accessories)`,
            'the stopped containers of earlier releases kept for a quick rollback (a rollback recreates them from their images)',
          ],
          newest: (await listBackups(engine, {app: args.app}))[0],
        }),
      )
    }
    const passphrase = () =>
      readPassphrase({
        file: flags['passphrase-file'],
        ask: process.stdin.isTTY
          ? async () => (await import('@inquirer/prompts')).password({message: 'Passphrase of the snapshot', mask: '*'})
          : undefined,
      })
    const result = await restoreSnapshot(engine, args.app, args.snapshot, {
      passphrase,
      dir: flags.dir,
      wait: flags.wait,
      trustUnauthenticated: flags['trust-unauthenticated'],
    })
    this.log(
      result.mode === 'apply'
        ? `Restored ${args.app} from ${result.snapshot}${result.heldMs ? ` (requests held ${result.heldMs} ms)` : ''}`
        : `Installed ${args.app} ${result.release} again from ${result.snapshot}, with its data`,
    )
    return {...result, elapsed: this.elapsed()}
  }
}
