import {Args} from '@oclif/core'

import {DiscodeCommand} from '../../base-command.js'
import {DiscodeError} from '../../errors.js'
import {validateRecipeDir} from '../../recipes/load.js'

export default class RecipesValidate extends DiscodeCommand {
  static override summary = 'Check a recipe directory and list every problem with its file, key and reason'
  static override examples = ['<%= config.bin %> recipes validate ./recipes/myapp', '<%= config.bin %> recipes validate ./recipes/myapp --json']
  static override args = {path: Args.string({description: 'Directory holding recipe.yml', required: true})}

  async run() {
    const {args} = await this.parse(RecipesValidate)
    const result = validateRecipeDir(args.path)
    if (result.ok) {
      this.log(`${args.path}: recipe is valid`)
      return result
    }
    if (!this.jsonEnabled()) for (const e of result.errors) this.logToStderr(`${e.file}: ${e.path ? `${e.path}: ` : ''}${e.message}`)
    throw new DiscodeError(`${args.path}: ${result.errors.length} problem(s) in the recipe`, {hint: 'Fix the keys named above; see docs/vendors.md for the recipe format', code: 'INVALID_RECIPE'})
  }
}
