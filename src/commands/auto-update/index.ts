import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../../base-command.js'
import {DiscodeError} from '../../errors.js'
import {installedRecord} from '../../state/installed.js'
import {type AutoUpdateState, POLICIES, readPolicy, writePolicy} from '../../updates/policy-store.js'
import {checkTimeZone, parseWindow} from '../../updates/window.js'

export default class AutoUpdate extends DiscodeCommand {
  static override summary = "Set an app's automatic update policy and maintenance window"
  static override description = `patch: install new patch releases of the running minor (1.4.2 → 1.4.7); minor: also new minors of the running major; major: everything; off: only announce new releases.
Updates happen when "discode auto-update run" runs (scheduled by "discode auto-update install") inside the window, each a zero-downtime update along the vendor's upgrade path. A release that failed is not tried again until a newer one is published or you run --clear. Releases that wait (policy off, outside the window, beyond the policy) are announced once through "discode auto-update notify".
Subcommands: status, run, install, remove, notify (an app cannot be named after one of them).`

  static override examples = [
    {
      description: 'Patch releases, weekend nights, Berlin time',
      command: '<%= config.bin %> auto-update shop --policy patch --window "Sat,Sun 02:00-05:00" --timezone Europe/Berlin',
    },
    {
      description: 'Minor releases from the beta channel, any time',
      command: '<%= config.bin %> auto-update shop --policy minor --channel beta',
    },
    {description: 'Only announce new releases', command: '<%= config.bin %> auto-update shop --policy off'},
    {description: 'Try a release that failed again', command: '<%= config.bin %> auto-update shop --clear'},
  ]

  static override args = {app: Args.string({description: 'Installed app name', required: true})}
  static override flags = {
    policy: Flags.string({description: 'Which releases install themselves', options: [...POLICIES]}),
    channel: Flags.string({description: 'Release channel to follow (default stable)'}),
    window: Flags.string({description: 'When updates may run: DAYS HH:MM-HH:MM, e.g. "Sat,Sun 02:00-05:00" ("" = any time)'}),
    timezone: Flags.string({description: "Time zone of the window (IANA name; default the host's)"}),
    clear: Flags.boolean({description: 'Forget the last failed auto-update, so the next run tries it again'}),
  }

  async run() {
    const {args, flags} = await this.parse(AutoUpdate)
    const engine = await this.engine()
    await installedRecord(engine.store, args.app)
    const home = engine.settings.home
    const stored = readPolicy(home, args.app)
    const policy = flags.policy as AutoUpdateState['policy'] | undefined
    if (!stored && !policy)
      throw new DiscodeError(`${args.app} has no auto-update policy yet`, {
        hint: `Set one with "discode auto-update ${args.app} --policy patch|minor|major|off"`,
        code: 'BAD_FLAG',
      })
    const next: AutoUpdateState = {channel: 'stable', ...stored, policy: policy ?? stored!.policy}
    if (flags.channel !== undefined) next.channel = flags.channel
    if (flags.window !== undefined) {
      if (flags.window.trim() === '') delete next.window
      else {
        parseWindow(flags.window)
        next.window = flags.window.trim()
      }
    }
    if (flags.timezone !== undefined) next.timezone = checkTimeZone(flags.timezone)
    if (flags.clear) delete next.failed
    writePolicy(home, args.app, next)
    const where = next.window ? ` within ${next.window}${next.timezone ? ` (${next.timezone})` : ''}` : ''
    this.log(`${args.app}: auto-update ${next.policy} from the ${next.channel} channel${next.policy === 'off' ? '' : where}`)
    if (flags.clear) this.log(`${args.app}: the last failure is forgotten; the next run tries again`)
    else if (next.failed)
      this.log(`${args.app}: ${next.failed.version} failed on ${next.failed.at} and waits for a newer release (or --clear)`)
    return {app: args.app, ...next}
  }
}
