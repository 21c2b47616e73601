import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {heldText} from '../cli/held-text.js'
import {DiscodeCommand} from '../base-command.js'
import {checkRollback, rollback, type RollbackPlan} from '../lifecycle/rollback.js'

export default class Rollback extends DiscodeCommand {
  static override summary = 'Switch back to the previous release with zero downtime'
  static override description = `Starts a release still kept on this host (the previous one, or --to) and switches traffic to it through the same health-checked proxy deploy. Hooks do not run on rollback.
--check shows the plan (the release, what happens to the data, the processes that follow, what blocks it) and changes nothing; --json returns the plan the rollback applied.`

  static override examples = [
    {description: 'Back to the release that served before the last update', command: '<%= config.bin %> rollback myapp'},
    {description: 'Back to a named release kept on this host', command: '<%= config.bin %> rollback myapp --to 1.0.0'},
    {
      description: 'Back across a migration, with the data from before it (the snapshot the update took)',
      command: '<%= config.bin %> rollback myapp --restore-data --yes',
    },
    {
      description: 'Back across a migration, code only (the vendor says the old code reads the new data)',
      command: '<%= config.bin %> rollback myapp --keep-data',
    },
    {description: 'Only show the plan (as data with --json); change nothing', command: '<%= config.bin %> rollback myapp --check --json'},
  ]

  static override args = {app: Args.string({description: 'Installed app name', required: true})}
  static override flags = {
    to: Flags.string({description: 'Version to roll back to (must still be on this host)'}),
    'restore-data': Flags.boolean({
      description: 'Across a migration: bring back the snapshot taken before it (writes since then are lost)',
      exclusive: ['keep-data'],
    }),
    'keep-data': Flags.boolean({description: 'Across a migration: switch the code only (when the vendor says that is safe)'}),
    yes: Flags.boolean({description: 'Do not ask before --restore-data replaces the data (required without a terminal)'}),
    'passphrase-file': Flags.string({
      description:
        'With --restore-data, for an app that encrypts its snapshots: file holding the passphrase (- for standard input); or DISCODE_BACKUP_PASSPHRASE',
    }),
    check: Flags.boolean({description: 'Report the plan (release, data, processes, blockers); change nothing'}),
    ...DiscodeCommand.waitFlag,
  }

  async run() {
    const {args, flags} = await this.parse(Rollback)
    const data = flags['restore-data'] ? 'restore' : flags['keep-data'] ? 'keep' : undefined
    if (flags.check) {
      const plan = await checkRollback(await this.engine(), args.app, {to: flags.to, data})
      for (const line of rollbackPlanLines(plan)) this.log(line)
      return {app: args.app, plan}
    }
    if (flags['restore-data'] && !flags.yes) {
      await this.confirmOrStop(
        `Restoring the data of ${args.app}`,
        () => `The data of ${args.app} is replaced by the snapshot from before the migration; writes since then are lost.`,
      )
    }
    const {readPassphrase} = await import('../backup/passphrase.js')
    const passphrase = () => readPassphrase({file: flags['passphrase-file']})
    const result = await rollback(await this.engine(), {app: args.app, to: flags.to, wait: flags.wait, data, passphrase})
    const restored = result.restoredSnapshot ? `, data restored from ${result.restoredSnapshot}` : ''
    this.log(
      `Rolled back ${args.app} ${result.from?.version} → ${result.to.version} (${result.to.container})${restored}${heldText(result.heldMs)}`,
    )
    return {...result, elapsed: this.elapsed()}
  }
}

/** The plan as people read it: the switch, the data, the processes, then what blocks it. */
export function rollbackPlanLines(plan: RollbackPlan): string[] {
  const lines = [`${plan.app}: ${plan.current} → ${plan.target?.version ?? '?'}${plan.target ? ` (${plan.target.container})` : ''}`]
  const data = plan.data
  const crossed = data.action === 'none' ? '' : ` (across the migration of ${data.migrations.join(', ')})`
  lines.push(`  Data: ${dataText(data)}${crossed}`)
  if (plan.processes.length > 0) lines.push(`  Processes that follow: ${plan.processes.join(', ')}`)
  if (plan.blockers.length > 0) {
    lines.push('This rollback cannot be carried out:')
    for (const blocker of plan.blockers) lines.push(`  - ${blocker.message}`, `    Hint: ${blocker.hint}`)
  }
  return lines
}

function dataText(data: RollbackPlan['data']): string {
  switch (data.action) {
    case 'none':
      return 'untouched (no migration in between)'
    case 'keep':
      return data.reason === 'declared-compatible' ? 'kept: the vendor declares the release runs on it' : 'kept (--keep-data)'
    case 'reverse-migrations':
      return `migrated back by ${data.hooks.join(', ')}`
    case 'restore':
      return `restored from snapshot ${data.snapshot.id} (writes since ${data.snapshot.takenAt} are lost)`
    case 'needs-choice':
      return 'needs --restore-data or --keep-data'
  }
}
