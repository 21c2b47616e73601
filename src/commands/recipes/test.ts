import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import * as ux from '@oclif/core/ux'
import {join} from 'node:path'

import {DiscodeCommand, inputValues} from '../../base-command.js'
import {releaseCheck} from '../../release-check/check.js'
import {operationLine} from '../../cli/check-text.js'
import type {CheckReport} from '../../release-check/report.js'

export default class RecipesTest extends DiscodeCommand {
  static override summary = 'Check a release update of your recipe in a throw-away world: zero failed requests, hook and stop times'
  static override description = `The vendor's release check. In a world of its own (a temporary DISCODE_HOME, its own Docker network, proxy container and free ports on 127.0.0.1; your real apps are untouched) it installs --from, keeps a request loop on the app through the proxy, updates to --to, rolls back as customers do (a plain "discode rollback": "ok", or "needs a data choice" when the recipe declares no data compatibility, then --keep-data), and reports failed requests, hook durations, the hold time (pause strategy), how long the old release took to stop and, for a recipe with processes, each process's replicas running after install, update and rollback.
DIR is a plugin package (built: its hooks run) or a recipe directory. Exits 1 on any failure, naming it. Everything the check created (containers, network, volumes, proxy, temporary files) is removed afterwards, also after Ctrl-C. The proxy image is DISCODE_PROXY_IMAGE if set.`

  static override examples = [
    {
      description: 'Check the update from 1.0.0 to 1.1.0 of the plugin in this directory',
      command: '<%= config.bin %> recipes test . --from 1.0.0 --to 1.1.0',
    },
    {description: 'The two newest stable releases of the feed, for CI', command: '<%= config.bin %> recipes test ./recipes/shop --json'},
    {description: 'A recipe with a required input', command: '<%= config.bin %> recipes test . --set admin_email=ci@example.com'},
  ]

  static override args = {dir: Args.directory({description: 'Plugin package or recipe directory', required: true, exists: true})}
  static override flags = {
    from: Flags.string({description: 'Release installed first [default: the second newest stable release of the feed]'}),
    to: Flags.string({description: 'Release updated to [default: the newest stable release of the feed]'}),
    recipe: Flags.string({description: 'Recipe name, when the plugin ships several [default: the first]'}),
    set: Flags.string({char: 's', description: 'Input value KEY=VALUE for the install (repeatable)', multiple: true}),
    ...DiscodeCommand.setFileFlag,
  }

  async run(): Promise<CheckReport> {
    const {args, flags} = await this.parse(RecipesTest)
    const inputs = inputValues(flags.set, flags['set-file'])
    const controller = new AbortController()
    const interrupt = () => {
      ux.stderr('Interrupted: removing what the check created...')
      controller.abort()
    }
    process.once('SIGINT', interrupt)
    process.once('SIGTERM', interrupt)
    try {
      const report = await releaseCheck({
        dir: args.dir,
        recipe: flags.recipe,
        from: flags.from,
        to: flags.to,
        set: inputs.values,
        bin: join(this.config.root, 'bin', 'run.js'),
        signal: controller.signal,
        progress: this.jsonEnabled() ? undefined : (message) => ux.stderr(message),
      })
      this.print(report)
      if (!report.ok) process.exitCode = 1
      return report
    } finally {
      process.off('SIGINT', interrupt)
      process.off('SIGTERM', interrupt)
    }
  }

  private print(report: CheckReport): void {
    const {requests} = report
    this.log(`${report.recipe}: ${report.from} → ${report.to} → ${report.from} (${report.strategy})`)
    this.log(`  requests: ${requests.requests}, failed: ${requests.failed}, longest: ${requests.longestMs} ms`)
    for (const run of report.operations) this.log(`  ${operationLine(report, run)}`)
    if (report.holdMs !== undefined) this.log(`  requests held during the update: ${report.holdMs} ms`)
    for (const advice of report.advice) this.log(`Advice: ${advice}`)
    for (const problem of report.problems) ux.stderr(`Error: ${problem}`)
    this.log(report.ok ? 'Release check passed.' : `Release check failed: ${report.problems.length} problem(s).`)
  }
}
