/**
 * The walkthrough of docs/vendors.md: the `$ ` lines of its ```console blocks under "### The
 * walkthrough", in order. A test runs them as written, with only the vendor's registry, feed server
 * and npm registry swapped for ones on 127.0.0.1 (see `substitute`).
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {ROOT} from './discode.js'

export const WALKTHROUGH_HEADING = '### The walkthrough'

/** The commands of the walkthrough section of `markdown`, in order. */
export function walkthroughCommands(markdown: string): string[] {
  const start = markdown.indexOf(`${WALKTHROUGH_HEADING}\n`)
  if (start < 0) return []
  const rest = markdown.slice(start + WALKTHROUGH_HEADING.length)
  const next = rest.search(/^#{2,3} /m)
  const section = next < 0 ? rest : rest.slice(0, next)
  return [...section.matchAll(/^```console\n([\s\S]*?)^```/gm)].flatMap((block) =>
    block[1]
      .split('\n')
      .filter((line) => line.startsWith('$ '))
      .map((line) => line.slice(2).trim()),
  )
}

export function guideWalkthrough(): string[] {
  return walkthroughCommands(readFileSync(join(ROOT, 'docs', 'vendors.md'), 'utf8'))
}

/** The only changes made to a command: each `from` (a host, a URL) becomes its local `to`. */
export function substitute(command: string, replacements: [from: string, to: string][]): string {
  return replacements.reduce((line, [from, to]) => line.split(from).join(to), command)
}
