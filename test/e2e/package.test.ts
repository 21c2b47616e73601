/**
 * discode as a customer installs it: `npm pack` of this tree, then `npm install -g` of the tarball into
 * a temporary prefix, its dependencies from the npm registry. npm must list no install script of
 * discode's own to approve, and the installed CLI must work and start without loading what it never
 * uses (dockerode's gRPC and protobuf, docker-modem's ssh2) although no patch touched its node_modules.
 */
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {ROOT} from '../support/discode.js'
import {npmEnv, runNpm} from '../support/verdaccio.js'

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {version: string}).version

/** Lifecycle scripts npm runs when a package is installed (prepare too, for some sources). */
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare']

/** Preloaded into the installed CLI: at exit, writes the files require() loaded as themselves (not deferred stand-ins). */
const LOAD_RECORDER = `
const {writeFileSync} = require('node:fs')
const {types} = require('node:util')
process.on('exit', () => {
  const loaded = Object.entries(require.cache).filter(([, m]) => !types.isProxy(m.exports)).map(([path]) => path)
  writeFileSync(process.env.LOADED_FILE, JSON.stringify(loaded))
})
`

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    execFile(file, args, {env, timeout: 60_000}, (error, stdout, stderr) =>
      resolve({code: error ? ((error as {code?: number}).code ?? 1) : 0, stdout, stderr}),
    )
  })
}

describe('installing the packed tarball as a customer would', () => {
  let dir: string
  let prefix: string
  let install: {stdout: string; stderr: string}
  let env: NodeJS.ProcessEnv

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'discode-package-'))
    prefix = join(dir, 'prefix')
    const packed = await runNpm(['pack', '--json', '--pack-destination', dir], {cwd: ROOT})
    const [{filename}] = JSON.parse(packed.stdout) as {filename: string}[]
    install = await runNpm(['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', join(dir, filename)], {
      cwd: dir,
      timeoutMs: 540_000,
    })
    // The installed CLI sees its own empty world: no state, no user plugins or config of this machine's.
    env = npmEnv({
      DISCODE_HOME: join(dir, 'home'),
      XDG_CONFIG_HOME: join(dir, 'config'),
      XDG_DATA_HOME: join(dir, 'data'),
      XDG_CACHE_HOME: join(dir, 'cache'),
    })
  })

  after(() => {
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  it('needs no install script of discode: npm lists none to approve, and the package declares none', () => {
    const output = install.stdout + install.stderr
    assert.doesNotMatch(output, /\bdiscode@[^\s]+ \(/, `npm listed a script of discode:\n${output}`)
    const manifest = JSON.parse(readFileSync(join(prefix, 'lib', 'node_modules', 'discode', 'package.json'), 'utf8')) as {
      scripts?: Record<string, string>
    }
    assert.deepEqual(
      INSTALL_SCRIPTS.filter((name) => manifest.scripts?.[name]),
      [],
    )
  })

  it('runs from the prefix: --version and the built-in recipes', async () => {
    const bin = join(prefix, 'bin', 'discode')
    const version = await run(bin, ['--version'], env)
    assert.equal(version.code, 0, version.stderr)
    assert.match(version.stdout, new RegExp(`^discode/${VERSION.replaceAll('.', '\\.')} `))

    const recipes = await run(bin, ['recipes', 'list'], env)
    assert.equal(recipes.code, 0, recipes.stderr)
    assert.match(recipes.stdout, /^RECIPE\s+SOURCE\s+TITLE/m)
    assert.match(recipes.stdout, /^demo\s+builtin\s+Demo app/m)
  })

  it("starts the Docker client without dockerode's gRPC and protobuf or docker-modem's ssh2, unpatched", async () => {
    const installed = join(prefix, 'lib', 'node_modules', 'discode')
    const modules = join(installed, 'node_modules')
    // What discode must not load is there, as the registry ships it.
    for (const name of ['@grpc/grpc-js', 'protobufjs', 'ssh2']) assert.ok(existsSync(join(modules, name)), `${name} installed`)
    assert.match(readFileSync(join(modules, 'docker-modem', 'lib', 'modem.js'), 'utf8'), /require\('\.\/ssh'\)/)

    const recorder = join(dir, 'record-loads.cjs')
    writeFileSync(recorder, LOAD_RECORDER)
    const loadedFile = join(dir, 'loaded.json')
    const status = await run(process.execPath, ['--require', recorder, join(installed, 'bin', 'run.js'), 'status', '--json', '--offline'], {
      ...env,
      LOADED_FILE: loadedFile,
    })
    assert.equal(status.code, 0, status.stderr)
    assert.deepEqual((JSON.parse(status.stdout) as {apps: unknown[]}).apps, [])

    const loaded = JSON.parse(readFileSync(loadedFile, 'utf8')) as string[]
    const packageLoaded = (name: string) => loaded.some((path) => path.startsWith(join(modules, name) + '/'))
    assert.ok(packageLoaded('dockerode') && packageLoaded('docker-modem'), 'status connects a dockerode client')
    assert.deepEqual(
      ['@grpc/grpc-js', '@grpc/proto-loader', 'protobufjs', 'ssh2', 'tar-fs'].filter(packageLoaded),
      [],
      `loaded: ${readdirSync(modules).filter(packageLoaded).join(', ')}`,
    )
  })
})
