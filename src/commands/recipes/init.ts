import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../../base-command.js'
import {scaffoldPlugin} from '../../scaffold/scaffold.js'

export default class RecipesInit extends DiscodeCommand {
  static override summary = 'Create a vendor plugin package: a recipe, a typed hook with its unit test, a signed feed, a README'
  static override description = `Writes a ready npm package into DIR (new or empty): package.json with the "discode" field and the oclif hooks, recipes/NAME/recipe.yml with every key commented, src/hooks/pre-switch.ts typed with @discode/types, test/hooks.test.ts (node:test, a fake context), tsconfig and a README.
@discode/types is the local package types/, copied from this discode (npm install needs no registry but npm's own; refresh it with "discode recipes types --out types/index.d.ts"). The feed starts signed: keys/feed.key (0600, keep it secret) and keys/feed.pub (the recipe's feedKey), and feed.json with no release yet, signed (feed.json.sig). Add releases with "discode feed add", then "discode feed sign".
The recipe name is the package name without its scope and a "discode-" prefix.`

  static override examples = [
    {description: 'A plugin named after its directory', command: '<%= config.bin %> recipes init ./discode-shop'},
    {
      description: 'A scoped package, with its image repository and feed URL',
      command:
        '<%= config.bin %> recipes init ./shop --name @acme/discode-shop --image registry.example.com/acme/shop --feed https://releases.example.com/shop/feed.json',
    },
  ]

  static override args = {dir: Args.directory({description: 'Directory to create the plugin in (new or empty)', required: true})}
  static override flags = {
    name: Flags.string({description: 'npm package name [default: the directory name]'}),
    image: Flags.string({description: "The recipe's image repository, without tag [default: registry.example.com/NAME]"}),
    feed: Flags.string({description: 'The URL the feed will be published at [default: https://releases.example.com/NAME/feed.json]'}),
  }

  async run() {
    const {args, flags} = await this.parse(RecipesInit)
    const result = scaffoldPlugin(args.dir, {name: flags.name, image: flags.image, feed: flags.feed})
    this.log(`Created ${result.pkg} in ${result.dir} (recipe ${result.recipe}):`)
    for (const file of result.files) this.log(`  ${file}`)
    this.log('keys/feed.key signs your feed: keep it secret (it is in .gitignore and not in the package).')
    this.log('Next:')
    this.log(`  cd ${args.dir} && discode recipes validate .`)
    this.log('  discode feed add feed.json --image REPO:TAG --version 1.0.0 && discode feed sign feed.json --key keys/feed.key')
    this.log('  npm install && npm test')
    return result
  }
}
