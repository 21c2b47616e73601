/**
 * `npm run test:unit`: every `*.test.ts` under src/ and scripts/ (or the files named on the command
 * line) imported into one process, so node's test runner runs them all without starting a tsx process
 * per file (66-89 s of start-ups on a 2-core machine, against about 10 s in one process). Unit tests
 * touch no Docker and no shared state, so one process is safe; a file that needs isolation belongs under
 * test/ (run by `npm run test:e2e`, one process per file).
 *
 * Run through tsx, this script first compiles src/, scripts/ and test/ with esbuild (about 1 s) into a
 * mirror of the repository under .tmp/unit (the rest of the tree linked in, so paths relative to a
 * source file still hold), then runs itself there under plain node: importing some 400 modules through
 * tsx's loader hooks costs about 6 s on the 2-core machine, plain JavaScript about 2 s.
 */
import {spawnSync} from 'node:child_process'
import {cpSync, mkdirSync, readdirSync, rmSync, symlinkSync} from 'node:fs'
import {join, relative, resolve} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const ROOTS = ['src', 'scripts']
/** Compiled into the mirror; every other top-level entry is linked. */
const COMPILED = ['src', 'scripts', 'test']
const LEFT_OUT = new Set(['.git', '.tmp', 'node_modules', ...COMPILED])
const MIRROR = join('.tmp', 'unit')

export function unitTestFiles(root: string, extension = '.test.ts'): string[] {
  return ROOTS.flatMap((dir) =>
    readdirSync(join(root, dir), {recursive: true, encoding: 'utf8'})
      .filter((file) => file.endsWith(extension) && !file.includes('node_modules'))
      .map((file) => join(root, dir, file)),
  ).sort()
}

/** The TypeScript sources of `dir` (node_modules left out), relative to `root`. */
function sources(root: string, dir: string, extension: string): string[] {
  return readdirSync(join(root, dir), {recursive: true, encoding: 'utf8'})
    .filter((file) => file.endsWith(extension) && !file.includes('node_modules'))
    .map((file) => join(dir, file))
}

/** Builds the mirror of `root` at `root/.tmp/unit`: sources copied and compiled beside them, the rest linked. */
export async function buildMirror(root: string): Promise<string> {
  const {build} = await import('esbuild')
  const mirror = join(root, MIRROR)
  rmSync(mirror, {recursive: true, force: true})
  mkdirSync(mirror, {recursive: true})
  for (const entry of readdirSync(root)) {
    if (!LEFT_OUT.has(entry)) symlinkSync(relative(mirror, join(root, entry)), join(mirror, entry))
  }
  symlinkSync(relative(mirror, join(root, 'node_modules')), join(mirror, 'node_modules'))
  for (const dir of COMPILED)
    cpSync(join(root, dir), join(mirror, dir), {recursive: true, filter: (from) => !from.includes('node_modules')})
  const common = {absWorkingDir: root, outdir: mirror, outbase: '.', platform: 'node', target: 'node20', logLevel: 'warning'} as const
  const modules = COMPILED.flatMap((dir) => sources(root, dir, '.ts')).filter((file) => !file.endsWith('.d.ts'))
  await build({...common, entryPoints: modules, format: 'esm'})
  await build({...common, entryPoints: COMPILED.flatMap((dir) => sources(root, dir, '.cts')), format: 'cjs', outExtension: {'.js': '.cjs'}})
  return mirror
}

const here = fileURLToPath(import.meta.url)
if (process.argv[1] && resolve(process.argv[1]) === here) {
  const named = process.argv.slice(2).map((file) => resolve(file))
  const root = resolve(here, '..', '..')
  if (here.endsWith('.ts')) {
    const mirror = await buildMirror(root)
    const inMirror = named.map((file) => join(mirror, relative(root, file)).replace(/\.ts$/, '.js'))
    const reporter = process.execArgv.filter((arg) => arg.startsWith('--test-reporter'))
    const run = spawnSync(process.execPath, [...reporter, join(mirror, 'scripts', 'unit-tests.js'), ...inMirror], {stdio: 'inherit'})
    process.exitCode = run.status ?? 1
  } else {
    for (const file of named.length > 0 ? named : unitTestFiles(root, '.test.js')) await import(pathToFileURL(file).href)
  }
}
