import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../../base-command.js'
import {notify} from '../../notify/notify.js'
import {type AppRunReport, runAutoUpdates} from '../../updates/auto-run.js'
import {clockNow} from '../../updates/clock.js'

export default class AutoUpdateRun extends DiscodeCommand {
  static override summary = 'Update every app whose policy allows a newer release and whose window is open now'
  static override description = `What the scheduler runs (see "discode auto-update install"). Each app is updated along the vendor's upgrade path with zero downtime; releases that wait are announced; an app busy with another discode is left for the next run. Exits 1 when an update failed (the previous release keeps serving, and that release is not tried again until a newer one is published or "discode auto-update APP --clear").`

  static override examples = ['<%= config.bin %> auto-update run', '<%= config.bin %> auto-update run --app shop --json']

  static override flags = {
    app: Flags.string({description: 'Only this app (repeatable)', multiple: true}),
    now: Flags.string({description: 'Decide as if it were this time (ISO 8601); also DISCODE_NOW', hidden: true}),
  }

  async run() {
    const {flags} = await this.parse(AutoUpdateRun)
    const engine = await this.engine()
    const now = clockNow(flags.now)
    const home = engine.settings.home
    const reports = await runAutoUpdates(engine, {now, apps: flags.app, notify: (n) => notify(home, n)})
    if (reports.length === 0) this.log('No app has an auto-update policy (see "discode auto-update APP --policy ...")')
    for (const report of reports) {
      this.log(describe(report))
      for (const delivery of report.deliveries.filter((d) => !d.ok))
        this.warn(`${report.app}: notification by ${delivery.channel} failed: ${delivery.error}`)
    }
    if (reports.some((report) => report.outcome === 'failed' || report.outcome === 'error')) process.exitCode = 1
    return {now: now.toISOString(), apps: reports}
  }
}

function describe(report: AppRunReport): string {
  const waiting = report.decisions.flatMap((d) => (d.action === 'announce' ? [`${d.version} waits (${d.why})`] : []))
  const tail = waiting.length > 0 ? `; ${waiting.join(', ')}` : ''
  switch (report.outcome) {
    case 'updated':
      return `${report.app}: updated ${report.current} → ${report.serving}${tail}`
    case 'failed':
      return `${report.app}: update failed, ${report.serving ?? 'no release'} keeps serving: ${report.reason}`
    case 'busy':
      return `${report.app}: busy (${report.reason}); the next run tries again`
    case 'error':
      return `${report.app}: could not check: ${report.reason}`
    default: {
      const skipped = report.decisions.find((d) => d.action === 'none' && d.why === 'failed-before')
      if (skipped)
        return `${report.app}: ${skipped.version} failed before; waiting for a newer release (or "discode auto-update ${report.app} --clear")`
      return `${report.app}: ${report.current ?? '-'}${waiting.length > 0 ? tail.replace(/^; /, ', ') : ' nothing to do'}${report.windowOpen ? '' : ' (window closed)'}`
    }
  }
}
