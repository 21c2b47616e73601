/**
 * The @discode/types declarations of this discode: the file `packages/discode-types/index.d.ts`
 * that the discode package ships. `recipes init` copies it into a new plugin (a local package under
 * `types/`, so the plugin installs from the npm registry alone) and `recipes types` prints or
 * refreshes it.
 */
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {dirname} from 'node:path'
import {fileURLToPath} from 'node:url'

import {DiscodeError} from '../errors.js'

/** The types package's version: its major is the plugin API version these types describe. */
export const TYPES_VERSION = '1.0.0'

/** Where a plugin keeps its copy: `types/index.d.ts`, with `types/package.json` naming it @discode/types. */
export const PLUGIN_TYPES_DIR = 'types'

/** The installed discode's declaration file (src/recipes or dist/recipes → the package root). */
export function typesFilePath(): string {
  return fileURLToPath(new URL('../../packages/discode-types/index.d.ts', import.meta.url))
}

/** The declarations, as shipped with this discode. */
export function discodeTypes(): string {
  const path = typesFilePath()
  if (!existsSync(path)) {
    throw new DiscodeError(`this discode has no @discode/types declarations (${path} is missing)`, {
      hint: 'Reinstall discode: the package ships packages/discode-types/index.d.ts',
      code: 'TYPES_MISSING',
    })
  }
  return readFileSync(path, 'utf8')
}

/** `types/package.json` of a plugin: a local @discode/types package that npm links, from no registry. */
export function typesPackageJson(): string {
  const json = {
    name: '@discode/types',
    version: TYPES_VERSION,
    private: true,
    description:
      'The discode types this plugin compiles against, copied from discode: refresh with `discode recipes types --out types/index.d.ts`',
    types: './index.d.ts',
    exports: {'.': {types: './index.d.ts'}},
  }
  return `${JSON.stringify(json, null, 2)}\n`
}

/** Writes the declarations to `file` (directories created); returns the number of bytes. */
export function writeTypes(file: string): number {
  const text = discodeTypes()
  mkdirSync(dirname(file), {recursive: true})
  writeFileSync(file, text)
  return Buffer.byteLength(text)
}
