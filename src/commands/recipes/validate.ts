import * as Args from '@oclif/core/args'
import * as ux from '@oclif/core/ux'

import {DiscodeCommand} from '../../base-command.js'
import {docsFile} from '../../docs-path.js'
import {settingsFromEnv} from '../../config.js'
import {unsupportedProxyOptions} from '../../proxy/proxy-versions.js'
import {formatProblem, type RecipeProblem, validateRecipeDir} from '../../recipes/load.js'
import {recipeWarnings} from '../../recipes/warnings.js'

export default class RecipesValidate extends DiscodeCommand {
  static override summary = 'Check a recipe directory and list every problem with its file, key and reason'
  static override examples = [
    '<%= config.bin %> recipes validate ./recipes/myapp',
    '<%= config.bin %> recipes validate ./recipes/myapp --json',
  ]
  static override args = {path: Args.string({description: 'Directory holding recipe.yml', required: true})}

  async run() {
    const {args} = await this.parse(RecipesValidate)
    const validated = validateRecipeDir(args.path)
    // Options the configured proxy (DISCODE_PROXY_IMAGE) is too old for are errors: install would refuse them.
    const image = settingsFromEnv(process.env, this.config.configDir).proxyImage
    const tooNew: RecipeProblem[] = unsupportedProxyOptions(validated.raw?.proxy ?? {}, image).map(({option, flag, since}) => ({
      file: args.path,
      path: option,
      message: `${flag} needs kamal-proxy ${since} or newer (the proxy image is ${image})`,
    }))
    const errors = [...validated.errors, ...tooNew]
    const result = {...validated, ok: errors.length === 0, errors, warnings: validated.raw ? recipeWarnings(validated.raw) : []}
    if (result.ok) {
      for (const warning of result.warnings) ux.stderr(`Warning: ${warning}`)
      this.log(`${args.path}: recipe is valid${result.warnings.length > 0 ? `, with ${result.warnings.length} warning(s)` : ''}`)
      return {ok: result.ok, errors: result.errors, warnings: result.warnings}
    }
    // Every problem, one a line; with --json they are in the document ({ok: false, errors}) too.
    for (const problem of result.errors) ux.stderr(formatProblem(problem))
    ux.stderr(`Error: ${args.path}: ${result.errors.length} problem(s) in the recipe`)
    ux.stderr(`Hint: Fix the keys named above; the recipe format is in docs/vendors.md (${docsFile('vendors.md')})`)
    process.exitCode = 1
    return {ok: result.ok, errors: result.errors, warnings: result.warnings}
  }
}
