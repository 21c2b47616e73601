import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

/** discode's own version, from its package.json (recorded in every manifest). */
export function discodeVersion(): string {
  try {
    const file = fileURLToPath(new URL('../../package.json', import.meta.url))
    return (JSON.parse(readFileSync(file, 'utf8')) as {version: string}).version
  } catch {
    return 'unknown'
  }
}
