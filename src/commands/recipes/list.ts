import {DiscodeCommand} from '../../base-command.js'
import {listRecipes} from '../../recipes/resolve.js'

export default class RecipesList extends DiscodeCommand {
  static override summary = 'List the recipes discode knows: built-in ones and those of installed plugins'
  static override examples = ['<%= config.bin %> recipes list', '<%= config.bin %> recipes list --json']

  async run() {
    await this.parse(RecipesList)
    const recipes = listRecipes(this.recipeRoots())
    this.table([['RECIPE', 'SOURCE', 'TITLE'], ...recipes.map((r) => [r.ref, r.source, r.error ? `INVALID: ${r.error}` : (r.title ?? '')])])
    return {recipes}
  }
}
