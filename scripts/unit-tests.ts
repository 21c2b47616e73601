/**
 * `npm run test:unit`: every `*.test.ts` under src/ and scripts/ (or the files named on the command
 * line) imported into this one process, so node's test runner runs them all without starting a tsx
 * process per file (66-89 s of start-ups on a 2-core machine, against about 10 s in one process). Unit
 * tests touch no Docker and no shared state, so one process is safe; a file that needs isolation belongs
 * under test/ (run by `npm run test:e2e`, one process per file).
 */
import {readdirSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {pathToFileURL} from 'node:url'

const ROOTS = ['src', 'scripts']

export function unitTestFiles(root: string): string[] {
  return ROOTS.flatMap((dir) =>
    readdirSync(join(root, dir), {recursive: true, encoding: 'utf8'})
      .filter((file) => file.endsWith('.test.ts'))
      .map((file) => join(root, dir, file)),
  ).sort()
}

const named = process.argv.slice(2).map((file) => resolve(file))
for (const file of named.length > 0 ? named : unitTestFiles(process.cwd())) await import(pathToFileURL(file).href)
