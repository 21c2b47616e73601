import {execFileSync} from 'node:child_process'
import {join, resolve} from 'node:path'

import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../../base-command.js'
import {DiscodeError} from '../../errors.js'
import {activationCommands, detectScheduler, passedEnv, type Scheduler, scheduleFiles, writeScheduleFiles} from '../../updates/schedule.js'

export default class AutoUpdateInstall extends DiscodeCommand {
  static override summary = 'Schedule "discode auto-update run" every 15 minutes with systemd (a timer) or cron'
  static override description = `Writes /etc/systemd/system/discode-auto-update.{service,timer} and enables the timer, or, where systemd does not run the host, /etc/cron.d/discode-auto-update. Prints the files it writes. The scheduled run gets this shell's DISCODE_HOME, DISCODE_NETWORK, DISCODE_PROXY_* and DOCKER_HOST (never a password). Needs root.`

  static override examples = [
    '<%= config.bin %> auto-update install',
    {description: 'Use cron even where systemd runs', command: '<%= config.bin %> auto-update install --scheduler cron'},
  ]

  static override flags = {
    scheduler: Flags.string({description: 'systemd or cron (default: systemd when it runs the host)', options: ['systemd', 'cron']}),
    root: Flags.string({
      description: 'Write under this directory instead of / (for tests and images)',
      hidden: true,
      env: 'DISCODE_SYSTEM_ROOT',
      default: '/',
    }),
  }

  async run() {
    const {flags} = await this.parse(AutoUpdateInstall)
    const root = resolve(flags.root)
    const scheduler = (flags.scheduler as Scheduler | undefined) ?? detectScheduler(root)
    const spec = {node: process.execPath, script: join(this.config.root, 'bin', 'run.js'), env: passedEnv(process.env)}
    const files = scheduleFiles(root, scheduler, spec)
    try {
      writeScheduleFiles(files)
    } catch (error) {
      throw new DiscodeError(`Cannot write ${files[0].path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
        hint: 'Run it as root (sudo discode auto-update install)',
        code: 'NOT_PERMITTED',
      })
    }
    for (const file of files) this.log(`Wrote ${file.path}:\n${file.content.replace(/^/gm, '  ')}`)
    const commands = activationCommands(scheduler, 'install')
    // Only a real host's systemd is told; under a test root the commands are shown, not run.
    const ran = root === '/' ? commands : []
    for (const command of ran) execFileSync(command[0], command.slice(1), {stdio: 'inherit'})
    if (ran.length > 0) this.log(`Ran: ${ran.map((c) => c.join(' ')).join('; ')}`)
    else if (commands.length > 0) this.log(`Not run (root is ${root}): ${commands.map((c) => c.join(' ')).join('; ')}`)
    return {scheduler, root, files, ran: ran.map((c) => c.join(' ')), commands: commands.map((c) => c.join(' '))}
  }
}
