import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../../base-command.js'
import {scaffoldPlugin} from '../../recipes/scaffold.js'

export default class RecipesInit extends DiscodeCommand {
  static override summary = 'Create a vendor plugin package: a recipe, a typed hook with its unit test, a README'
  static override description = `Writes a ready npm package into DIR (new or empty): package.json with the "discode" field and the oclif hooks, recipes/NAME/recipe.yml with every key commented, src/hooks/pre-switch.ts typed with @discode/types, test/hooks.test.ts (node:test, a fake context), tsconfig and a README.
The recipe name is the package name without its scope and a "discode-" prefix.`

  static override examples = [
    {description: 'A plugin named after its directory', command: '<%= config.bin %> recipes init ./discode-shop'},
    {description: 'A scoped package', command: '<%= config.bin %> recipes init ./shop --name @acme/discode-shop'},
  ]

  static override args = {dir: Args.directory({description: 'Directory to create the plugin in (new or empty)', required: true})}
  static override flags = {
    name: Flags.string({description: 'npm package name [default: the directory name]'}),
  }

  async run() {
    const {args, flags} = await this.parse(RecipesInit)
    const result = scaffoldPlugin(args.dir, {name: flags.name})
    this.log(`Created ${result.pkg} in ${result.dir} (recipe ${result.recipe}):`)
    for (const file of result.files) this.log(`  ${file}`)
    this.log('Next: set image and feed in the recipe, then')
    this.log(`  discode recipes validate ${args.dir}/recipes/${result.recipe}`)
    this.log(`  cd ${args.dir} && npm install && npm test`)
    return result
  }
}
