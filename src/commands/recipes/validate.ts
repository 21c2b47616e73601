import * as Args from '@oclif/core/args'
import * as ux from '@oclif/core/ux'

import {DiscodeCommand} from '../../base-command.js'
import {settingsFromEnv} from '../../config.js'
import {docsFile} from '../../docs-path.js'
import {unsupportedProxyOptions} from '../../proxy/proxy-versions.js'
import {type RecipeProblem, validateRecipeDir} from '../../recipes/load.js'
import {problemLine, recipeDirsOf} from '../../recipes/validate-targets.js'
import {recipeWarnings} from '../../recipes/warnings.js'

interface Checked {
  dir: string
  ok: boolean
  errors: RecipeProblem[]
  warnings: string[]
}

export default class RecipesValidate extends DiscodeCommand {
  static override summary =
    'Check a recipe directory, or every recipe of a plugin, and list every problem with its file, line, key and reason'
  static override examples = [
    '<%= config.bin %> recipes validate ./recipes/myapp',
    {
      description: "Every recipe of the plugin in the current directory (its package.json's discode.recipes)",
      command: '<%= config.bin %> recipes validate .',
    },
    '<%= config.bin %> recipes validate ./recipes/myapp --json',
  ]
  static override args = {
    path: Args.string({description: 'Directory holding recipe.yml, or a plugin package root (every recipe it ships)', required: true}),
  }

  async run() {
    const {args} = await this.parse(RecipesValidate)
    const image = settingsFromEnv(process.env, this.config.configDir).proxyImage
    const checked = recipeDirsOf(args.path).map((dir) => this.check(dir, image))
    const errors = checked.flatMap((c) => c.errors)
    const warnings = checked.flatMap((c) => c.warnings)
    const result = {ok: errors.length === 0, errors, warnings, recipes: checked}
    for (const warning of warnings) ux.stderr(`Warning: ${warning}`)
    for (const recipe of checked.filter((c) => c.ok))
      this.log(`${recipe.dir}: recipe is valid${recipe.warnings.length > 0 ? `, with ${recipe.warnings.length} warning(s)` : ''}`)
    if (result.ok) return result
    // Every problem, one a line; with --json they are in the document ({ok: false, errors}) too.
    for (const problem of errors) ux.stderr(problemLine(problem))
    const where = checked.length > 1 ? `${checked.filter((c) => !c.ok).length} of ${checked.length} recipes in ${args.path}` : args.path
    ux.stderr(`Error: ${where}: ${errors.length} problem(s) in the recipe`)
    ux.stderr(`Hint: Fix the keys named above; the recipe format is in docs/vendors.md (${docsFile('vendors.md')})`)
    process.exitCode = 1
    return result
  }

  private check(dir: string, image: string): Checked {
    const validated = validateRecipeDir(dir)
    // Options the configured proxy (DISCODE_PROXY_IMAGE) is too old for are errors: install would refuse them.
    const tooNew: RecipeProblem[] = unsupportedProxyOptions(validated.raw?.proxy ?? {}, image).map(({option, flag, since}) => ({
      file: dir,
      path: option,
      message: `${flag} needs kamal-proxy ${since} or newer (the proxy image is ${image})`,
    }))
    const errors = [...validated.errors, ...tooNew]
    return {dir, ok: errors.length === 0, errors, warnings: validated.raw ? recipeWarnings(validated.raw) : []}
  }
}
