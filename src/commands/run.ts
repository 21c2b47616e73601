import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../base-command.js'
import {processTerminal} from '../cli/terminal.js'
import {appTasks, runInApp} from '../lifecycle/one-off-commands.js'

export default class Run extends DiscodeCommand {
  static override strict = false
  static override summary = 'Run a command or a recipe task in a new, throw-away container of the current release'
  static override description =
    "The container has the app's env, secrets, network and volumes, and is removed when the command ends. Streams stdin, stdout and stderr, with a TTY when both stdin and stdout are terminals, and exits with the command's exit code. A single word that names a task of the recipe runs that task."

  static override examples = [
    {description: "The vendor's console (a task of the recipe)", command: '<%= config.bin %> run myapp console'},
    {description: 'Any command', command: "<%= config.bin %> run myapp -- sh -c 'echo hi; exit 3'"},
    {description: "The recipe's tasks", command: '<%= config.bin %> run myapp --list'},
  ]

  static override args = {app: Args.string({description: 'Installed app name', required: true})}
  static override flags = {
    list: Flags.boolean({description: "List the recipe's tasks instead of running anything"}),
  }

  async run() {
    const {args, flags, argv} = await this.parse(Run)
    const engine = await this.engine()
    if (flags.list) {
      const tasks = await appTasks(engine, args.app)
      const names = Object.keys(tasks)
      if (names.length === 0) this.log(`The recipe of ${args.app} names no tasks: run a command with "discode run ${args.app} -- CMD"`)
      for (const name of names) this.log(`${name.padEnd(Math.max(...names.map((n) => n.length)) + 2)}${tasks[name].join(' ')}`)
      return {app: args.app, tasks}
    }
    // Interrupted (Ctrl-C without a TTY, a service manager's SIGTERM): the container goes too.
    const abort = new AbortController()
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => abort.abort())
    const code = await runInApp(engine, {app: args.app, args: (argv as string[]).slice(1), terminal: processTerminal(abort.signal)})
    this.exit(abort.signal.aborted ? 130 : code)
  }
}
