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
import {cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
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

/** Every file of the compiled directories (node_modules left out), relative to `root`. */
function treeFiles(root: string): string[] {
  return COMPILED.flatMap((dir) =>
    readdirSync(join(root, dir), {recursive: true, withFileTypes: true})
      .filter((entry) => entry.isFile() && !entry.parentPath.includes('node_modules'))
      .map((entry) => relative(root, join(entry.parentPath, entry.name))),
  )
}

/** What esbuild makes of a source file, or undefined for a file that is only copied. */
function compiledName(file: string): string | undefined {
  if (file.endsWith('.d.ts')) return undefined
  if (file.endsWith('.cts')) return file.replace(/\.cts$/, '.cjs')
  return file.endsWith('.ts') ? file.replace(/\.ts$/, '.js') : undefined
}

const newer = (source: string, copy: string) => !existsSync(copy) || statSync(source).mtimeMs > statSync(copy).mtimeMs

/**
 * Brings the mirror of `root` at `root/.tmp/unit` up to date: each source file copied and compiled
 * beside itself when it changed, files whose source is gone removed, the rest of the tree linked. A
 * change to this script or to esbuild starts the mirror afresh.
 */
export async function buildMirror(root: string): Promise<string> {
  const {build, version} = await import('esbuild')
  const mirror = join(root, MIRROR)
  const stamp = join(mirror, '.stamp')
  const wanted = `${version} ${statSync(fileURLToPath(import.meta.url)).mtimeMs}`
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== wanted) rmSync(mirror, {recursive: true, force: true})
  mkdirSync(mirror, {recursive: true})
  for (const entry of [...readdirSync(root).filter((name) => !LEFT_OUT.has(name)), 'node_modules']) {
    const link = join(mirror, entry)
    if (!existsSync(link)) symlinkSync(relative(mirror, join(root, entry)), link)
  }
  const sources = treeFiles(root)
  const keep = new Set(sources.flatMap((file) => [file, compiledName(file) ?? file]))
  if (existsSync(join(mirror, COMPILED[0]))) for (const file of treeFiles(mirror)) if (!keep.has(file)) rmSync(join(mirror, file))
  const changed = sources.filter((file) => newer(join(root, file), join(mirror, file)))
  rmSync(stamp, {force: true}) // written again once the build succeeds: a failed one starts afresh next time
  for (const file of changed) cpSync(join(root, file), join(mirror, file), {preserveTimestamps: false})
  const common = {absWorkingDir: root, outdir: mirror, outbase: '.', platform: 'node', target: 'node20', logLevel: 'warning'} as const
  const modules = changed.filter((file) => compiledName(file)?.endsWith('.js'))
  const scripts = changed.filter((file) => file.endsWith('.cts'))
  if (modules.length > 0) await build({...common, entryPoints: modules, format: 'esm'})
  if (scripts.length > 0) await build({...common, entryPoints: scripts, format: 'cjs', outExtension: {'.js': '.cjs'}})
  writeFileSync(stamp, wanted)
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
