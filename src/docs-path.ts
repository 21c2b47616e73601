/** Where the guides are in the installed discode package (it ships docs/): hints print the full path. */
import {fileURLToPath} from 'node:url'

/** The absolute path of `docs/NAME` in this discode (src/ or dist/ → the package root). */
export function docsFile(name: string): string {
  return fileURLToPath(new URL(`../docs/${name}`, import.meta.url))
}
