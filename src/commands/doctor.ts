import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../base-command.js'
import {applyFixes, type FixResult} from '../support/doctor-fix.js'
import type {Problem} from '../support/doctor-rules.js'
import {diagnose} from '../support/doctor.js'

export default class Doctor extends DiscodeCommand {
  static override summary = 'Find what is wrong on this host, and say how to fix it'
  static override description = `Checks Docker (reachable, version), the proxy (missing, stopped, restarting, wrong image), each app (container in a restart loop, with its last log lines; route gone; accessories unhealthy; an interrupted operation; a stale lock; a feed that cannot be read, no longer verifies or has expired), free disk and the clock.
Exits 0 only when all is well. With --fix, repairs what discode owns and can repair safely (boots the proxy, routes an app again, finishes an interrupted operation, clears a stale lock), says what it did, then checks again.`

  static override examples = [
    {description: 'Check the host and every app', command: '<%= config.bin %> doctor'},
    {description: 'Check one app, as JSON', command: '<%= config.bin %> doctor shop --json'},
    {description: 'Repair what discode can repair itself', command: '<%= config.bin %> doctor --fix'},
  ]

  static override args = {app: Args.string({description: 'Only this app (and the host)'})}
  static override flags = {fix: Flags.boolean({description: 'Apply the safe repairs, then check again'})}

  async run() {
    const {args, flags} = await this.parse(Doctor)
    const engine = await this.engine()
    let report = await diagnose(engine, {app: args.app})
    let fixes: FixResult[] | undefined
    if (flags.fix && report.problems.some((p) => p.repair)) {
      fixes = await applyFixes(engine, report.problems)
      for (const fix of fixes) this.log(`${fix.done ? 'Fixed' : 'Could not fix'}: ${fix.message}`)
      report = await diagnose(engine, {app: args.app})
    }
    if (report.ok) this.log(`All is well (${report.apps.length} app(s) checked)`)
    for (const problem of report.problems) this.printProblem(problem)
    if (!report.ok) {
      const repairable = report.problems.some((p) => p.repair)
      this.log(
        `${report.problems.length} problem(s)${repairable && !flags.fix ? '; "discode doctor --fix" repairs those marked [fixable]' : ''}`,
      )
      process.exitCode = 1
    }
    return {...report, ...(fixes ? {fixes} : {})}
  }

  private printProblem(problem: Problem): void {
    this.log(`PROBLEM ${problem.app ? `${problem.app}: ` : ''}${problem.message}${problem.repair ? ' [fixable]' : ''}`)
    this.log(`  fix: ${problem.fix}`)
    for (const line of problem.logs ?? []) this.log(`  | ${line}`)
  }
}
