import {existsSync} from 'node:fs'
import {join} from 'node:path'

import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../../base-command.js'
import {readNotifySettings} from '../../notify/config.js'
import {clockNow} from '../../updates/clock.js'
import {readPolicy} from '../../updates/policy-store.js'
import {UNIT_NAME} from '../../updates/schedule.js'
import {hostTimeZone, isWindowOpen, parseWindow} from '../../updates/window.js'

export default class AutoUpdateStatus extends DiscodeCommand {
  static override summary = "Show each app's auto-update policy, window, last run and failure, and where notifications go"
  static override examples = ['<%= config.bin %> auto-update status', '<%= config.bin %> auto-update status --json']
  static override flags = {
    now: Flags.string({description: 'Pretend it is this time (ISO 8601), for "window open"', hidden: true}),
    root: Flags.string({description: 'Root directory of the scheduler files', hidden: true, env: 'DISCODE_SYSTEM_ROOT', default: '/'}),
  }

  async run() {
    const {flags} = await this.parse(AutoUpdateStatus)
    const engine = await this.engine()
    const home = engine.settings.home
    const now = clockNow(flags.now)
    const apps = []
    for (const app of engine.store.apps()) {
      const state = readPolicy(home, app)
      const record = await engine.store.read(app)
      const timezone = state?.timezone ?? hostTimeZone()
      const windowOpen = state?.window ? isWindowOpen(parseWindow(state.window), timezone, now) : true
      apps.push({app, version: record?.current?.version ?? null, ...(state ?? {policy: 'none'}), timezone, windowOpen})
    }
    const notify = readNotifySettings(home)
    const scheduled = ['etc/systemd/system/' + UNIT_NAME + '.timer', 'etc/cron.d/' + UNIT_NAME].filter((f) =>
      existsSync(join(flags.root, f)),
    )
    this.table([
      ['APP', 'VERSION', 'POLICY', 'CHANNEL', 'WINDOW', 'OPEN NOW', 'LAST RUN', 'FAILED'],
      ...apps.map((a) => [
        a.app,
        a.version ?? '-',
        a.policy,
        'channel' in a ? a.channel : '-',
        'window' in a && a.window ? `${a.window} ${a.timezone}` : 'any time',
        a.windowOpen ? 'yes' : 'no',
        'lastRun' in a && a.lastRun ? `${a.lastRun.at} ${a.lastRun.outcome}` : '-',
        'failed' in a && a.failed ? `${a.failed.version} (auto-update ${a.app} --clear to retry)` : '-',
      ]),
    ])
    this.log(
      `Notifications: ${[notify.webhook ? `webhook to ${notify.webhook.host}` : '', notify.smtp ? `mail to ${notify.smtp.to.join(', ')} via ${notify.smtp.host}:${notify.smtp.port}` : ''].filter(Boolean).join('; ') || 'none (see "discode auto-update notify")'}`,
    )
    this.log(
      `Schedule: ${scheduled.length > 0 ? scheduled.map((f) => join(flags.root, f)).join(', ') : 'not installed (see "discode auto-update install")'}`,
    )
    return {now: now.toISOString(), apps, notifications: notify, schedule: scheduled.map((f) => join(flags.root, f))}
  }
}
