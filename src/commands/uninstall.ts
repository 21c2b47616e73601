import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../base-command.js'
import {uninstall} from '../lifecycle/uninstall.js'

export default class Uninstall extends DiscodeCommand {
  static override summary = "Remove an app's route, containers and images"
  static override description = "Volumes (the app's data) and its secrets are kept, so installing it again finds them, unless --purge."
  static override examples = [
    {description: 'Remove the app, keep its data', command: '<%= config.bin %> uninstall myapp'},
    {
      description: 'Remove the app and delete its data and secrets (a final snapshot is taken first)',
      command: '<%= config.bin %> uninstall myapp --purge',
    },
    {
      description: 'The same from a script, without a final snapshot',
      command: '<%= config.bin %> uninstall myapp --purge --yes --no-snapshot',
    },
  ]

  static override args = {app: Args.string({description: 'Installed app name', required: true})}
  static override flags = {
    purge: Flags.boolean({description: "Also delete the app's volumes and secrets (asks first; takes a final snapshot)"}),
    yes: Flags.boolean({description: 'Do not ask before --purge deletes data (required without a terminal)'}),
    snapshot: Flags.boolean({description: 'Take a final snapshot before --purge (--no-snapshot skips it)', default: true, allowNo: true}),
    ...DiscodeCommand.waitFlag,
  }

  async run() {
    const {args, flags} = await this.parse(Uninstall)
    const engine = await this.engine()
    let finalSnapshot: string | undefined
    const purge = flags.purge ? await import('../backup/purge.js') : undefined
    // Nothing to delete: uninstall itself says the app is not installed, without asking first.
    if (purge && (await purge.hasDataToPurge(engine, args.app))) {
      const {purgeWarning, snapshotBeforePurge} = purge
      if (!flags.yes) {
        const hint = flags.snapshot ? ' A final snapshot is taken first.' : ''
        await this.confirmOrStop(`uninstall --purge of ${args.app}`, async () => `${await purgeWarning(engine, args.app)}${hint}`)
      }
      if (flags.snapshot) {
        const snapshot = await snapshotBeforePurge(engine, args.app, {wait: flags.wait})
        finalSnapshot = snapshot?.dir
        if (snapshot) this.log(`Final snapshot ${snapshot.id}: ${snapshot.dir} (undo with "discode restore ${args.app} ${snapshot.dir}")`)
      }
    }
    const result = {...(await uninstall(engine, {app: args.app, purge: flags.purge, wait: flags.wait})), finalSnapshot}
    const kept = result.volumes.kept.length > 0 ? `; kept volume(s) ${result.volumes.kept.join(', ')} (use --purge to delete)` : ''
    this.log(`Uninstalled ${args.app}${kept}`)
    return {...result, elapsed: this.elapsed()}
  }
}
