import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../base-command.js'
import {processTerminal} from '../cli/terminal.js'
import {execInApp} from '../lifecycle/one-off-commands.js'

export default class Exec extends DiscodeCommand {
  static override enableJsonFlag = false
  static override strict = false
  static override summary = "Run a command in the app's serving container"
  static override description =
    'Streams stdin, stdout and stderr, with a TTY when both stdin and stdout are terminals, and exits with the command\'s exit code. For a command in a fresh container of the release, see "discode run".'

  static override examples = [
    {description: 'A shell in the serving container', command: '<%= config.bin %> exec myapp -- sh'},
    {description: "One command; its exit code is discode's", command: "<%= config.bin %> exec myapp -- sh -c 'ls /data'"},
  ]

  static override args = {app: Args.string({description: 'Installed app name', required: true})}
  static override flags = {
    process: Flags.string({
      description: 'Which of the app\'s processes: "web" (the default) or a recipe process (its first running replica)',
    }),
  }

  async run() {
    const {args, flags, argv} = await this.parse(Exec)
    const cmd = (argv as string[]).slice(1)
    const code = await execInApp(await this.engine(), {app: args.app, process: flags.process, cmd, terminal: processTerminal()})
    this.exit(code)
  }
}
