/**
 * What start-up loads, by module name (never by time, which a shared machine makes noisy): `--version`
 * answers without oclif or any engine module, and `status --json --offline` loads the Docker client but
 * none of what only operations need (recipe parsing and validation, templates, conf, the lock). The
 * built CLI runs with a preload that records every file loaded, by require (require.cache at exit) or
 * by import (a module.register load hook appending each URL to a file).
 */
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'
import {pathToFileURL} from 'node:url'

import {ROOT} from '../support/discode.js'

const dir = mkdtempSync(join(tmpdir(), 'discode-startup-'))
after(() => rmSync(dir, {recursive: true, force: true}))

const hooks = join(dir, 'hooks.mjs')
writeFileSync(
  hooks,
  `import {appendFileSync} from 'node:fs'
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.LOADED_FILE, url.slice('file://'.length) + '\\n')
  return next(url, context)
}
`,
)
const recorder = join(dir, 'recorder.mjs')
writeFileSync(
  recorder,
  `import {register, createRequire} from 'node:module'
import {appendFileSync} from 'node:fs'
register(${JSON.stringify(pathToFileURL(hooks).href)})
const require = createRequire(import.meta.url)
process.on('exit', () => appendFileSync(process.env.LOADED_FILE, Object.keys(require.cache).join('\\n') + '\\n'))
`,
)

/** Runs the built CLI with the recorder; returns its output and the files it loaded (paths under ROOT). */
async function loading(name: string, args: string[]): Promise<{stdout: string; files: string[]}> {
  const loadedFile = join(dir, `${name}.txt`)
  const env = {...process.env, LOADED_FILE: loadedFile, DISCODE_HOME: join(dir, `home-${name}`)}
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', pathToFileURL(recorder).href, join(ROOT, 'bin', 'run.js'), ...args],
      {env},
      (error, out, err) => (error ? reject(new Error(`${args.join(' ')}: ${err}`)) : resolve(out)),
    )
  })
  assert.ok(existsSync(loadedFile), 'the recorder wrote its list')
  const files = [
    ...new Set(
      readFileSync(loadedFile, 'utf8')
        .split('\n')
        .filter((line) => line.startsWith(ROOT)),
    ),
  ]
  return {stdout, files: files.map((file) => file.slice(ROOT.length + 1))}
}

const packageOf = (file: string) => /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1]
const packagesIn = (files: string[]) => new Set(files.map(packageOf).filter(Boolean))

/** Loaded only by operations (install, update, ...): never by a start-up that does not need them. */
const OPERATION_ONLY = ['handlebars', 'zod', 'yaml', 'conf', 'proper-lockfile', 'tar-stream', '@inquirer/prompts', 'undici']

describe('start-up loads only what the command uses', () => {
  it('--version prints oclif’s line without loading oclif, the commands or the engine', async () => {
    const {stdout, files} = await loading('version', ['--version'])
    assert.match(stdout, /^discode\/\d+\.\d+\.\d+\S* \S+-\S+ node-v\d+/)
    const packages = packagesIn(files)
    for (const name of ['@oclif/core', 'dockerode', 'docker-modem', 'semver', ...OPERATION_ONLY])
      assert.ok(!packages.has(name), `--version loaded ${name}`)
    assert.deepEqual(
      files.filter((file) => file.startsWith('dist/')),
      ['dist/fast-version.js'],
    )
  })

  it('status --json --offline loads the Docker client, and none of the recipe, template, state-writing or lock modules', async () => {
    const {stdout, files} = await loading('status', ['status', '--json', '--offline'])
    assert.deepEqual((JSON.parse(stdout) as {apps: unknown[]}).apps, [])
    const packages = packagesIn(files)
    assert.ok(packages.has('@oclif/core') && packages.has('docker-modem'), `status loaded: ${[...packages].join(', ')}`)
    for (const name of OPERATION_ONLY) assert.ok(!packages.has(name), `status loaded ${name}`)
    const engine = files.filter((file) => /^dist\/(recipes\/(load|schema|template)|lock|updates|backup\/(take|data))/.test(file))
    assert.deepEqual(engine, [])
  })
})
