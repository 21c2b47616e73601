import * as Flags from '@oclif/core/flags'

import {DiscodeCommand} from '../../base-command.js'
import {discodeTypes, typesFilePath, TYPES_VERSION, writeTypes} from '../../recipes/types-file.js'

export default class RecipesTypes extends DiscodeCommand {
  static override summary = "Print this discode's @discode/types declarations, or refresh a plugin's copy"
  static override description = `The types a vendor plugin compiles against (hook context and events, support-bundle collectors, recipe.yml as a type), as this discode ships them. A plugin made by "discode recipes init" keeps them in types/index.d.ts (a local @discode/types package): after upgrading discode, refresh it with --out types/index.d.ts.`

  static override examples = [
    {description: "Refresh a plugin's copy after upgrading discode", command: '<%= config.bin %> recipes types --out types/index.d.ts'},
    {description: 'Print them', command: '<%= config.bin %> recipes types'},
  ]

  static override flags = {
    out: Flags.file({char: 'o', description: 'Write the declarations to this file instead of printing them'}),
  }

  async run() {
    const {flags} = await this.parse(RecipesTypes)
    const source = typesFilePath()
    if (flags.out) {
      const bytes = writeTypes(flags.out)
      this.log(`Wrote @discode/types ${TYPES_VERSION} (${bytes} bytes) to ${flags.out}`)
      return {version: TYPES_VERSION, source, out: flags.out, bytes}
    }
    const text = discodeTypes()
    if (!this.jsonEnabled()) process.stdout.write(text)
    return {version: TYPES_VERSION, source, types: text}
  }
}
