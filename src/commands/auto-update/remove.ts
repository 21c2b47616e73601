import {execFileSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {join, resolve} from 'node:path'

import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../../base-command.js'
import {activationCommands, removeScheduleFiles, UNIT_NAME} from '../../updates/schedule.js'

export default class AutoUpdateRemove extends DiscodeCommand {
  static override summary = 'Remove the schedule "discode auto-update install" wrote (policies are kept)'
  static override examples = ['<%= config.bin %> auto-update remove']
  static override flags = {
    root: Flags.string({description: 'The directory install wrote under', hidden: true, env: 'DISCODE_SYSTEM_ROOT', default: '/'}),
  }

  async run() {
    const {flags} = await this.parse(AutoUpdateRemove)
    const root = resolve(flags.root)
    const hadTimer = existsSync(join(root, 'etc/systemd/system', `${UNIT_NAME}.timer`))
    const [disable, reload] = hadTimer ? activationCommands('systemd', 'remove') : []
    // systemd disables a timer by its unit file: before the file goes, then reloads after.
    const run = (command: string[] | undefined) => command && root === '/' && execFileSync(command[0], command.slice(1), {stdio: 'ignore'})
    run(disable)
    const systemd = removeScheduleFiles(root)
    run(reload)
    const commands = [disable, reload].filter((c): c is string[] => c !== undefined)
    this.log(systemd.length > 0 ? `Removed ${systemd.join(', ')}` : 'No discode schedule was installed')
    return {root, removed: systemd, commands: commands.map((c) => c.join(' '))}
  }
}
