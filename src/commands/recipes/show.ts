import * as Args from '@oclif/core/args'
import {stringify} from 'yaml'

import {DiscodeCommand} from '../../base-command.js'
import {resolveRecipe} from '../../recipes/resolve.js'

export default class RecipesShow extends DiscodeCommand {
  static override summary = 'Show a recipe with its defaults filled in (templates are not rendered)'
  static override examples = ['<%= config.bin %> recipes show demo', '<%= config.bin %> recipes show @acme/discode-demo:demo --json']
  static override args = {ref: Args.string({description: 'Recipe name, plugin:name, or a directory', required: true})}

  async run() {
    const {args} = await this.parse(RecipesShow)
    const recipe = resolveRecipe(args.ref, this.recipeRoots())
    this.log(`# ${recipe.source}: ${recipe.dir}`)
    this.log(stringify(recipe.raw).trimEnd())
    const tasks = Object.keys(recipe.raw.tasks)
    if (tasks.length > 0) this.log(`# tasks for customers: discode run APP ${tasks.join(' | ')}`)
    return {source: recipe.source, dir: recipe.dir, recipe: recipe.raw}
  }
}
