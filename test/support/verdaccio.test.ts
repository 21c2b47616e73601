/**
 * The vendor's path from source to a customer's discode, on a private registry (verdaccio on
 * 127.0.0.1, no uplinks: nothing touches the public registry):
 *   1. `npm publish` of plugins/discode-example builds it (prepack) and the registry serves 1.0.0, then
 *      1.0.1 (published from a temp copy with the version bumped; the repo is left alone);
 *   2. `discode plugins install @discode-example/notes` installs it from that registry into a throwaway
 *      oclif data dir, and discode lists its recipe and its hooks; uninstall takes them away again.
 *
 * Run: `npm run build && node --import tsx --test test/support/verdaccio.test.ts` (no Docker needed).
 *
 * How `discode plugins install NAME` (@oclif/plugin-plugins 5.5) picks the registry:
 *   - It runs npm twice: `npm view NAME` (does the package exist?), then
 *     `npm install NAME@TAG --omit dev --no-audit --loglevel=notice --no-fund`, both with cwd = the
 *     oclif data dir ($DISCODE_DATA_DIR, else $XDG_DATA_HOME/discode, else ~/.local/share/discode),
 *     which holds a package.json listing the user's plugins. `plugins update` runs
 *     `npm install NAME@TAG ...` there again for every plugin (TAG: `latest`, or what was given).
 *     Exception: a plugin installed from a URL/git (install uses `npm install URL`, update `npm update`).
 *   - The npm is plugin-plugins' own dependency (`npm` ^11.18, node_modules/npm/bin/npm-cli.js, run
 *     with the current node), not the npm on PATH; only if that cannot be resolved does it use
 *     `which npm`.
 *   - npm gets discode's environment unchanged (plus node_modules/.bin dirs on PATH and HUSKY=0), so
 *     every `npm_config_*` variable applies: `npm_config_userconfig` (another user .npmrc, as below),
 *     `npm_config_registry`, ...
 *   - The only flag it adds about registries is `--registry=URL`, when `DISCODE_NPM_REGISTRY` is set
 *     (oclif's scoped env var for the CLI `discode`) or discode's package.json had `oclif.npmRegistry`
 *     (it has not).
 *   - npm then resolves a package's registry as usual: the `@scope:registry` setting for a scoped name
 *     if any config layer sets it, else `registry`. Layers, strongest first: command-line flags,
 *     `npm_config_*` env, the project .npmrc (the data dir's), the user .npmrc (~/.npmrc, or
 *     `npm_config_userconfig`), the global npmrc, npm's default (https://registry.npmjs.org/). So a
 *     scope mapping wins even over `--registry` / DISCODE_NPM_REGISTRY (the last test proves it), and
 *     a vendor's customers only need `@vendor:registry=URL` (and `//host/:_authToken=...` for a private
 *     registry) in their ~/.npmrc or in the data dir's .npmrc.
 *   - The data dir's package-lock.json records the `resolved` tarball URL of each plugin (checked
 *     below).
 */
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {ROOT} from './discode.js'
import {npmEnv, runNpm, startVerdaccio, type Verdaccio, versionedCopy} from './verdaccio.js'

const PLUGIN_DIR = join(ROOT, 'plugins', 'discode-example')
const PLUGIN = '@discode-example/notes'
const BIN = join(ROOT, 'bin', 'run.js')

interface Run {
  code: number
  stdout: string
  stderr: string
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((ok) => {
    execFile(process.execPath, [BIN, ...args], {env, timeout: 180_000, maxBuffer: 64 * 1024 * 1024}, (error, stdout, stderr) => {
      const code = error ? Number((error as {code?: unknown}).code) || 1 : 0
      ok({code, stdout, stderr})
    })
  })
}

async function runJson<T>(args: string[], env: NodeJS.ProcessEnv): Promise<T> {
  const result = await run([...args, '--json'], env)
  assert.equal(result.code, 0, `discode ${args.join(' ')} failed:\n${result.stderr}${result.stdout}`)
  return JSON.parse(result.stdout) as T
}

describe('the example vendor plugin on a private registry', () => {
  let registry: Verdaccio
  const temps: string[] = []

  before(async () => {
    assert.ok(
      existsSync(join(ROOT, 'dist', 'index.js')) && existsSync(join(ROOT, 'oclif.manifest.json')),
      'discode is not built: run "npm run build" first',
    )
    // The plugin builds against discode's types (devDependency "discode": "file:../..", installed as
    // a packed copy: see its .npmrc); install its devDependencies once.
    if (!existsSync(join(PLUGIN_DIR, 'node_modules', '.bin', 'tsc'))) {
      await runNpm(['ci', '--no-audit', '--no-fund'], {cwd: PLUGIN_DIR, timeoutMs: 300_000})
    }
    registry = await startVerdaccio()
  })

  after(async () => {
    await registry?.stop()
    for (const dir of temps) rmSync(dir, {recursive: true, force: true})
  })

  describe('publishing', () => {
    it('publishes 1.0.0, built by its prepack script, and npm view answers 1.0.0', async () => {
      rmSync(join(PLUGIN_DIR, 'dist'), {recursive: true, force: true})
      await registry.publish(PLUGIN_DIR)
      assert.ok(existsSync(join(PLUGIN_DIR, 'dist', 'hooks', 'pre-switch.js')), 'prepack did not build dist/')

      const {stdout} = await registry.npm(['view', PLUGIN, 'version', '--registry', registry.url])
      assert.equal(stdout.trim(), '1.0.0')
    })

    it('ships the compiled hooks and the recipe, not the sources', async () => {
      const {stdout} = await registry.npm(['pack', '--dry-run', '--json', '--ignore-scripts'], {cwd: PLUGIN_DIR})
      const files = (JSON.parse(stdout) as [{files: {path: string}[]}])[0].files.map((f) => f.path).sort()
      for (const file of [
        'package.json',
        'recipes/notes/recipe.yml',
        'dist/hooks/pre-switch.js',
        'dist/hooks/post-switch.js',
        'dist/notes.js',
      ]) {
        assert.ok(files.includes(file), `the package lacks ${file}: ${files.join(', ')}`)
      }
      const leaked = files.filter((f) => /^(src|test|node_modules)\/|^\.npmrc$|^tsconfig/.test(f))
      assert.deepEqual(leaked, [], 'sources or local config in the package')
    })

    it('publishes 1.0.1 from a copy; both versions are listed and 1.0.1 is latest', async () => {
      const copy = versionedCopy(PLUGIN_DIR, '1.0.1')
      temps.push(copy)
      await registry.publish(copy)

      const {stdout} = await registry.npm(['view', PLUGIN, 'versions', 'dist-tags', '--json', '--registry', registry.url])
      const view = JSON.parse(stdout) as {versions: string[]; 'dist-tags': {latest: string}}
      assert.deepEqual(view.versions, ['1.0.0', '1.0.1'])
      assert.equal(view['dist-tags'].latest, '1.0.1')
      const original = JSON.parse(readFileSync(join(PLUGIN_DIR, 'package.json'), 'utf8')) as {version: string}
      assert.equal(original.version, '1.0.0', 'the repo copy must keep its version')
    })

    it('refuses to publish a package outside @discode-example', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'discode-unscoped-'))
      temps.push(dir)
      writeFileSync(join(dir, 'package.json'), JSON.stringify({name: 'discode-unscoped-probe', version: '1.0.0'}))
      await assert.rejects(registry.publish(dir), /E40[13]|forbidden|unauthorized|not allowed/i)
    })
  })

  describe('discode plugins install from it', () => {
    let env: NodeJS.ProcessEnv
    let dataDir: string

    before(() => {
      const home = mkdtempSync(join(tmpdir(), 'discode-plugins-'))
      temps.push(home)
      dataDir = join(home, 'data', 'discode')
      env = npmEnv({
        // oclif's data dir (installed plugins), config and cache dirs, all throwaway.
        XDG_DATA_HOME: join(home, 'data'),
        XDG_CONFIG_HOME: join(home, 'config'),
        XDG_CACHE_HOME: join(home, 'cache'),
        DISCODE_HOME: join(home, 'discode-home'),
        // The user .npmrc npm reads: the @discode-example scope comes from verdaccio.
        npm_config_userconfig: registry.npmrc,
        NO_COLOR: '1',
      })
      for (const key of ['DISCODE_DATA_DIR', 'DISCODE_CONFIG_DIR', 'DISCODE_CACHE_DIR', 'DISCODE_NPM_REGISTRY']) delete env[key]
    })

    it('installs the newest version (1.0.1) from the private registry', async () => {
      const result = await run(['plugins', 'install', PLUGIN], env)
      assert.equal(result.code, 0, `plugins install failed:\n${result.stderr}${result.stdout}`)

      const lock = JSON.parse(readFileSync(join(dataDir, 'package-lock.json'), 'utf8')) as {
        packages: Record<string, {version: string; resolved: string}>
      }
      const entry = lock.packages[`node_modules/${PLUGIN}`]
      assert.equal(entry.version, '1.0.1')
      assert.ok(entry.resolved.startsWith(registry.url), `resolved from ${entry.resolved}, not ${registry.url}`)
    })

    it('"plugins --json" and "plugins inspect" show it with its hooks', async () => {
      const plugins = await runJson<{name: string; version: string; type: string}[]>(['plugins'], env)
      const ours = plugins.find((p) => p.name === PLUGIN)
      assert.ok(ours, `plugins --json lacks ${PLUGIN}: ${plugins.map((p) => p.name).join(', ')}`)
      assert.equal(ours.version, '1.0.1')
      assert.equal(ours.type, 'user')

      const [inspected] = await runJson<{name: string; version: string; hooks: Record<string, unknown[]>; pjson: {discode: unknown}}[]>(
        ['plugins', 'inspect', PLUGIN],
        env,
      )
      assert.equal(inspected.name, PLUGIN)
      assert.equal(inspected.version, '1.0.1')
      assert.deepEqual(Object.keys(inspected.hooks).sort(), [
        'discode:post-install',
        'discode:post-switch',
        'discode:pre-install',
        'discode:pre-switch',
      ])
      assert.deepEqual(inspected.pjson.discode, {apiVersion: 1, recipes: './recipes'})
    })

    it('"recipes list" shows its recipe, and "recipes show" finds it by plugin:name', async () => {
      const {recipes} = await runJson<{recipes: {ref: string; name: string; source: string; dir: string; error?: string}[]}>(
        ['recipes', 'list'],
        env,
      )
      const notes = recipes.find((r) => r.source === PLUGIN)
      assert.ok(notes, `recipes list lacks the plugin's recipe: ${JSON.stringify(recipes)}`)
      // The bare name is the ref while no other source has a recipe called "notes".
      assert.equal(notes.ref, 'notes')
      assert.equal(notes.name, 'notes')
      assert.equal(notes.error, undefined)
      assert.ok(notes.dir.startsWith(dataDir), `recipe dir ${notes.dir} is not in the data dir ${dataDir}`)

      const show = await run(['recipes', 'show', `${PLUGIN}:notes`, '--json'], env)
      assert.equal(show.code, 0, show.stderr)
      assert.match(show.stdout, /"name": "notes"/)
    })

    it('uninstall takes the recipe away', async () => {
      const result = await run(['plugins', 'uninstall', PLUGIN], env)
      assert.equal(result.code, 0, result.stderr)
      const {recipes} = await runJson<{recipes: {source: string}[]}>(['recipes', 'list'], env)
      assert.deepEqual(
        recipes.filter((r) => r.source === PLUGIN),
        [],
      )
    })

    it("a scope mapping wins over DISCODE_NPM_REGISTRY (plugin-plugins' --registry flag)", async () => {
      // Nothing listens on port 9: were --registry used for the scoped package, this would fail.
      const result = await run(['plugins', 'install', `${PLUGIN}@1.0.0`], {...env, DISCODE_NPM_REGISTRY: 'http://127.0.0.1:9/'})
      assert.equal(result.code, 0, `plugins install failed:\n${result.stderr}${result.stdout}`)
      const [inspected] = await runJson<{version: string}[]>(['plugins', 'inspect', PLUGIN], env)
      assert.equal(inspected.version, '1.0.0')
    })
  })
})
