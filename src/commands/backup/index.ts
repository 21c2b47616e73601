import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../../base-command.js'

export default class Backup extends DiscodeCommand {
  static override summary = "Take a snapshot of an app's data: volumes, accessories, record and secrets"
  static override description =
    "A snapshot is one directory (DISCODE_HOME/backups/APP/ID, or under --dir) with a checksummed manifest. It holds the app's secrets: keep it private, or use --encrypt. The newest --keep snapshots are kept (default 5; the value given is remembered for the app)."
  static override examples = [
    {description: 'Take a snapshot', command: '<%= config.bin %> backup myapp'},
    {description: 'Keep the newest 10, on a mounted disk', command: '<%= config.bin %> backup myapp --keep 10 --dir /mnt/backups'},
    {
      description: 'Encrypt it with a passphrase read from a file',
      command: '<%= config.bin %> backup myapp --encrypt --passphrase-file ~/.discode-pass',
    },
  ]

  static override args = {app: Args.string({description: 'Installed app name', required: true})}
  static override flags = {
    dir: Flags.string({description: 'Backup directory instead of DISCODE_HOME/backups (remembered for the app)'}),
    keep: Flags.integer({description: 'How many snapshots to keep, newest first (remembered for the app; default 5)', min: 1}),
    encrypt: Flags.boolean({description: 'Encrypt the snapshot with a passphrase (age)'}),
    'passphrase-file': Flags.string({description: 'File holding the passphrase (- for standard input); or set DISCODE_BACKUP_PASSPHRASE'}),
    ...DiscodeCommand.waitFlag,
  }

  async run() {
    const {args, flags} = await this.parse(Backup)
    const [{backupApp}, {readPassphrase}] = await Promise.all([import('../../backup/backup-app.js'), import('../../backup/passphrase.js')])
    const passphrase = flags.encrypt
      ? await readPassphrase({file: flags['passphrase-file'], ask: process.stdin.isTTY ? () => this.askPassphrase() : undefined})
      : undefined
    const result = await backupApp(await this.engine(), {app: args.app, dir: flags.dir, keep: flags.keep, passphrase, wait: flags.wait})
    const held = result.heldMs > 0 ? `; requests were held ${result.heldMs} ms` : ''
    this.log(`Snapshot ${result.id} of ${args.app}: ${result.dir} (${formatBytes(result.bytes)}${held})`)
    this.log(
      result.manifest.encrypted
        ? 'It is encrypted with your passphrase.'
        : "It contains the app's secrets: keep it private (or use --encrypt).",
    )
    if (result.pruned.length > 0) this.log(`Removed older snapshot(s): ${result.pruned.join(', ')}`)
    return {...result, containsSecrets: result.manifest.containsSecrets, elapsed: this.elapsed()}
  }

  private async askPassphrase(): Promise<string> {
    const {password} = await import('@inquirer/prompts')
    const first = await password({message: 'Passphrase for the snapshot', mask: '*'})
    const again = await password({message: 'Same passphrase again', mask: '*'})
    if (first !== again) this.error('The passphrases differ', {exit: 1})
    return first
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`
}
