import * as Args from '@oclif/core/args'

import {DiscodeCommand} from '../base-command.js'
import {checkLines} from '../check-lines.js'
import {resolveRecipe} from '../recipes/resolve.js'
import {preflight} from '../support/preflight.js'

export default class Preflight extends DiscodeCommand {
  static override summary = 'Check that this server can run a recipe, before installing it'
  static override description = `Checks Docker (reachable, version), memory, CPUs, architecture and free disk where Docker keeps its data against the recipe's "requirements:", that the proxy's ports (DISCODE_PROXY_HTTP_PORT / DISCODE_PROXY_HTTPS_PORT on DISCODE_PROXY_BIND) are free or held by discode's proxy, that the vendor's registry and feed answer, and that the clock is right.
Each check passes, warns or fails with a hint. Exits 1 when one fails. Changes nothing. "discode install" runs the same checks first.`

  static override examples = [
    {description: 'Check the host for the demo recipe', command: '<%= config.bin %> preflight demo'},
    {description: "A vendor plugin's recipe, as JSON", command: '<%= config.bin %> preflight @acme/discode-shop:shop --json'},
    {description: 'A recipe directory', command: '<%= config.bin %> preflight ./recipes/myapp'},
  ]

  static override args = {recipe: Args.string({description: 'Recipe name, plugin:name, or a path to a recipe directory', required: true})}

  async run() {
    const {args} = await this.parse(Preflight)
    const engine = await this.engine()
    const resolved = resolveRecipe(args.recipe, engine.recipeRoots)
    const report = await preflight(engine, resolved.raw)
    for (const line of checkLines(report.checks)) this.log(line)
    const failed = report.checks.filter((c) => c.status === 'fail').length
    const warned = report.checks.filter((c) => c.status === 'warn').length
    this.log(
      failed > 0
        ? `${failed} check(s) failed: fix them before installing`
        : `Ready for ${report.recipe}${warned ? ` (${warned} warning(s))` : ''}`,
    )
    if (failed > 0) process.exitCode = 1
    return report
  }
}
