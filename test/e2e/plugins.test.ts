/**
 * A vendor's plugin, end to end: published to a private npm registry (verdaccio on 127.0.0.1),
 * installed with `discode plugins install`, its recipe installed and updated on a real Docker engine
 * behind the proxy, its hooks run in order around the traffic switch, a failing vendor hook stops an
 * update with no failed request, `plugins update` brings the vendor's next version, and
 * `plugins uninstall` refuses while an app depends on it. The attacker's side: the next version's hook
 * (sandboxed) tries to read another app's secrets, DISCODE_HOME and the Docker socket, spawn and call
 * runCommand; plugins with a prerun hook or an install script are refused; an edited-in prerun hook is
 * ignored.
 */
import assert from 'node:assert/strict'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {
  buildStandinImage,
  createWorld,
  destroyWorld,
  discode,
  discodeJson,
  feedOf,
  ROOT,
  runningAppContainers,
  type World,
  writeRecipe,
} from '../support/discode.js'
import {assertNoFailedRequests, type FeedServer, httpGet, loadDuring, startFeedServer, startRequestLoop} from '../support/http.js'
import {buildAndPushAccessoryImages} from '../support/accessory-images.js'
import {buildAndPushTestImages} from '../support/images.js'
import {EXAMPLE_SCOPE, npmEnv, runNpm, startVerdaccio, type Verdaccio, versionedCopy} from '../support/verdaccio.js'

const PLUGIN_DIR = join(ROOT, 'plugins', 'discode-example')
const PLUGIN = '@discode-example/notes'
const APP = 'plug-notes'
const HOST = 'notes.test'

describe('a vendor plugin from a private registry', () => {
  let world: World
  let registry: Verdaccio
  let feed: FeedServer
  const temps: string[] = []

  const get = (path = '/', host = HOST) => httpGet(`${world.url}${path}`, {host})

  before(async () => {
    if (!existsSync(join(PLUGIN_DIR, 'node_modules', '.bin', 'tsc')))
      await runNpm(['ci', '--no-audit', '--no-fund'], {cwd: PLUGIN_DIR, timeoutMs: 300_000})
    ;[registry] = await Promise.all([startVerdaccio(), buildAndPushTestImages(), buildAndPushAccessoryImages(), buildStandinImage()])
    await registry.publish(PLUGIN_DIR)
    world = await createWorld('plug')
    // discode's plugins live in a throwaway oclif data dir; npm finds the vendor's scope on verdaccio.
    world.env = npmEnv({
      ...Object.fromEntries(Object.entries(world.env).filter(([key]) => key.startsWith('DISCODE_') || key === 'NO_COLOR')),
      XDG_DATA_HOME: join(world.home, 'xdg-data'),
      XDG_CACHE_HOME: join(world.home, 'xdg-cache'),
      npm_config_userconfig: registry.npmrc,
    })
    feed = await startFeedServer(feedOf([{version: '1.0.0', tag: '1.0.0'}]))
  })

  after(async () => {
    await feed?.close()
    await registry?.stop()
    if (world) await destroyWorld(world)
    for (const dir of temps) rmSync(dir, {recursive: true, force: true})
  })

  it('plugins install brings the vendor recipe into recipes list', async () => {
    const result = await discode(world, ['plugins', 'install', PLUGIN])
    assert.equal(result.code, 0, result.stderr)
    const {json} = await discodeJson(world, ['recipes', 'list'])
    const notes = json.recipes.find((r: {source: string}) => r.source === PLUGIN)
    assert.equal(notes?.name, 'notes')
  })

  it('install runs the recipe hook, then the vendor pre-install hook, before traffic; post-install after', async () => {
    const result = await discode(world, [
      'install',
      APP,
      '--recipe',
      'notes',
      '--yes',
      '--set',
      `hostname=${HOST}`,
      '--set',
      'admin_email=admin@notes.test',
      '--set',
      'license_key=NOTES-KEY-1234',
      '--set',
      `feed_url=${feed.url}`,
    ])
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stderr, /notes: initial schema loaded for 1\.0\.0/, "the vendor's log line reaches the user")
    // The secret input came with --set, so it sat in the process list: the user is told, with the way out.
    // (oclif wraps a warning at the terminal width: its lines are joined back first.)
    const warnings = result.stderr.replace(/\s*\n\s*›?\s*/g, ' ')
    assert.match(warnings, /license_key is a secret input: given with --set, .* --set-file license_key=PATH instead/)
    assert.doesNotMatch(warnings, /(hostname|admin_email|feed_url) is a secret input/)
    assert.equal((await get()).body, 'version=1.0.0\n')
    assert.equal((await get('/data/hooks.log')).body, 'recipe preSwitch 1.0.0\npre-install 1.0.0\npost-install 1.0.0\n')
    const status = await discodeJson(world, ['status', APP, '--offline'])
    assert.deepEqual(
      status.json.apps[0].accessories.map((a: {name: string; health: string}) => `${a.name}:${a.health}`),
      ['db:healthy'],
      "the recipe's database accessory runs beside the app",
    )
  })

  it('a vendor hook runs only for apps from that vendor', async () => {
    const recipe = writeRecipe(join(world.home, 'recipes', 'other'), feed.url)
    const result = await discode(world, ['install', 'plug-other', '--recipe', recipe, '--set', 'hostname=other.test'])
    assert.equal(result.code, 0, result.stderr)
    assert.equal((await get('/', 'other.test')).body, 'version=1.0.0\n')
    assert.equal((await get('/data/hooks.log', 'other.test')).status, 404, "the notes plugin's hooks did not run for this app")
    assert.doesNotMatch(result.stderr, /notes:/)
  })

  it('update runs pre-switch hooks while the old version serves, post-switch after; zero failed requests', async () => {
    feed.setFeed(
      feedOf([
        {version: '1.0.0', tag: '1.0.0'},
        {version: '1.1.0', tag: '1.1.0'},
      ]),
    )
    const loop = startRequestLoop(`${world.url}/`, {host: HOST})
    const result = await discode(world, ['update', APP])
    await new Promise((r) => setTimeout(r, 300))
    const seen = await loop.stop()
    assert.equal(result.code, 0, result.stderr)
    assert.equal(seen.failures, 0, seen.failureSamples.join(' | '))
    assert.match(result.stderr, /notes: running migration 7 for 1\.1\.0 \(1\.0\.0 keeps serving meanwhile\)/)
    assert.equal((await get()).body, 'version=1.1.0\n')
    assert.equal(
      (await get('/data/hooks.log')).body,
      'recipe preSwitch 1.0.0\npre-install 1.0.0\npost-install 1.0.0\nrecipe preSwitch 1.1.0\npre-switch 1.1.0 (previous 1.0.0)\npost-switch 1.1.0\n',
    )
  })

  it("a failing vendor hook aborts the update with the vendor's message; 1.1.0 keeps serving, zero failed requests", async () => {
    feed.setFeed(
      feedOf([
        {version: '1.1.0', tag: '1.1.0'},
        {version: '1.2.0', tag: '1.2.0'},
      ]),
    )
    const loop = startRequestLoop(`${world.url}/`, {host: HOST})
    const result = await discode(world, ['update', APP, '--set', 'fail_migration=yes'])
    const seen = await loop.stop()
    assert.equal(result.code, 1)
    assert.match(
      result.stderr,
      /Error: 1\.2\.0 was not deployed: discode:pre-switch hook of @discode-example\/notes failed: migration 7 failed/,
    )
    assert.match(result.stderr, /1\.1\.0 keeps serving/)
    assert.equal(seen.failures, 0, seen.failureSamples.join(' | '))
    assert.equal((await get()).body, 'version=1.1.0\n')
    assert.equal((await runningAppContainers(APP)).length, 1, 'the new container was removed')
    const record = JSON.parse(readFileSync(join(world.home, 'apps', APP, 'app.json'), 'utf8'))
    assert.equal(record.inputs.fail_migration, 'no', 'inputs of a failed update are not recorded')
  })

  it("plugins update brings the vendor's next version; its hook, sandboxed, is refused everything but log and run; 0 failed requests", async () => {
    const otherSecrets = join(world.home, 'apps', 'plug-other', 'secrets.json')
    assert.ok(existsSync(otherSecrets), 'the other app has a secrets file to steal')
    const next = versionedCopy(PLUGIN_DIR, '1.1.0', (dir) => {
      const file = join(dir, 'src', 'hooks', 'pre-switch.ts')
      const attacks = probeSource({secrets: otherSecrets, home: world.home, docker: '/var/run/docker.sock'})
      writeFileSync(
        file,
        readFileSync(file, 'utf8')
          .replace('export const MIGRATION = 7', 'export const MIGRATION = 8')
          .replace('  const {release, previous} = context\n', `  const {release, previous} = context\n${attacks}`),
      )
      // This version has no post-switch hook: no step and no line for it.
      const pjsonFile = join(dir, 'package.json')
      const pjson = JSON.parse(readFileSync(pjsonFile, 'utf8'))
      delete pjson.oclif.hooks['discode:post-switch']
      writeFileSync(pjsonFile, JSON.stringify(pjson, null, 2))
    })
    temps.push(next)
    await registry.publish(next)
    const updated = await discode(world, ['plugins', 'update'])
    assert.equal(updated.code, 0, updated.stderr)
    const {json} = await discodeJson(world, ['plugins'])
    assert.equal(json.find((p: {name: string}) => p.name === PLUGIN)?.version, '1.1.0')

    let result = {code: -1, stdout: '', stderr: ''}
    const seen = await loadDuring(`${world.url}/`, {host: HOST}, async () => {
      result = await discode(world, ['update', APP])
    })
    assert.equal(result.code, 0, result.stderr)
    assertNoFailedRequests(seen)
    for (const attempt of ['secrets', 'docker-socket', 'discode-home', 'spawn', 'runCommand'])
      assert.match(result.stderr, new RegExp(`notes probe ${attempt}: denied`), `${attempt} was refused:\n${result.stderr}`)
    assert.match(result.stderr, /notes probe url: http:\/\/notes\.test(:\d+)?\//, 'the hook got the app URL')
    // The hook's lines show inside its step: before the step's outcome line.
    const stepDone = result.stderr.indexOf('Running discode:pre-switch hooks... done')
    assert.ok(stepDone > result.stderr.indexOf('notes: running migration 8 for 1.2.0'), result.stderr)
    assert.ok(stepDone > result.stderr.indexOf('notes: migration 8 done'), result.stderr)
    assert.doesNotMatch(result.stderr, /discode:post-switch/, 'no line for a hook the plugin does not have')
    assert.equal((await get()).body, 'version=1.2.0\n')
    assert.match(
      (await get('/data/hooks.log')).body,
      /pre-switch 1\.2\.0 \(previous 1\.1\.0\)\n$/,
      'its run command ran in the new release',
    )
  })

  it('a plugin with a prerun hook, or with an install script, is refused by plugins install, and nothing of it ran', async () => {
    const marker = join(world.home, 'pwned')
    for (const [name, extra] of [
      ['prerun', {oclif: {hooks: {prerun: './evil.cjs'}}}],
      ['postinstall', {scripts: {postinstall: 'node evil.cjs'}, oclif: {hooks: {}}}],
    ] as const) {
      const dir = evilPackage(`${EXAMPLE_SCOPE}/evil-${name}`, marker, extra)
      temps.push(dir)
      await registry.publish(dir)
      const result = await discode(world, ['plugins', 'install', `${EXAMPLE_SCOPE}/evil-${name}`])
      assert.equal(result.code, 1, result.stderr)
      assert.match(
        result.stderr,
        new RegExp(
          `Refusing to install ${EXAMPLE_SCOPE}/evil-${name}: .*${name === 'prerun' ? 'oclif hooks other than discode:\\* \\(prerun\\)' : 'install scripts \\(postinstall\\)'}`,
        ),
      )
      assert.equal(existsSync(marker), false, `nothing of evil-${name} ran`)
      assert.equal(existsSync(join(world.home, 'xdg-data', 'discode', 'node_modules', EXAMPLE_SCOPE, `evil-${name}`)), false)
    }
  })

  it("an installed plugin's package.json edited to add a prerun hook: discode runs no such hook", async () => {
    const marker = join(world.home, 'pwned-prerun')
    const root = join(world.home, 'xdg-data', 'discode', 'node_modules', PLUGIN)
    writeFileSync(join(root, 'evil.cjs'), evilScript(marker))
    const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
    pjson.oclif.hooks.prerun = './evil.cjs'
    pjson.oclif.hooks.init = './evil.cjs'
    writeFileSync(join(root, 'package.json'), JSON.stringify(pjson))
    const result = await discode(world, ['status', APP, '--offline'])
    assert.equal(result.code, 0, result.stderr)
    assert.equal(existsSync(marker), false, 'the edited-in hooks did not run')
    assert.match(result.stderr, /Ignoring the oclif hooks (prerun, init|init, prerun) of plugin @discode-example\/notes/)
  })

  it('plugins uninstall refuses while an app comes from the plugin, and never stops the app', async () => {
    const refused = await discode(world, ['plugins', 'uninstall', PLUGIN])
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /plug-notes \(@discode-example\/notes\)/)
    assert.equal((await get()).body, 'version=1.2.0\n')
    const {json} = await discodeJson(world, ['plugins'])
    assert.ok(
      json.some((p: {name: string}) => p.name === PLUGIN),
      'the plugin is still installed',
    )

    assert.equal((await discode(world, ['uninstall', APP])).code, 0)
    const removed = await discode(world, ['plugins', 'uninstall', PLUGIN])
    assert.equal(removed.code, 0, removed.stderr)
  })
})

/** TypeScript put at the top of the vendor's pre-switch hook: every attempt logs whether it was allowed. */
function probeSource(paths: {secrets: string; home: string; docker: string}): string {
  const p = JSON.stringify(paths)
  return `
  const paths = ${p}
  const probe = async (what: string, work: () => unknown) => {
    try {
      await work()
      context.log(\`notes probe \${what}: allowed\`)
    } catch (error) {
      context.log(\`notes probe \${what}: denied (\${(error as {code?: string}).code ?? (error as Error).message})\`)
    }
  }
  // The plugin compiles without Node's types: modules come in as any.
  const load = (name: string) => import(name) as Promise<any>
  const fs = await load('node:fs')
  await probe('secrets', () => fs.readFileSync(paths.secrets))
  await probe('discode-home', () => fs.readdirSync(paths.home))
  await probe('docker-socket', async () => {
    const net = await load('node:net')
    await new Promise((ok, fail) => net.connect(paths.docker).on('connect', ok).on('error', fail))
  })
  await probe('spawn', async () => (await load('node:child_process')).execFileSync('/bin/true'))
  await probe('runCommand', () => (context as unknown as {config: {runCommand(id: string, argv: string[]): unknown}}).config.runCommand('uninstall', ['plug-other']))
  context.log(\`notes probe url: \${(context as {url?: {href: string}}).url?.href}\`)
`
}

/** A script that leaves a marker file: proof that something ran. */
function evilScript(marker: string): string {
  return `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran')\nmodule.exports = async () => {}\n`
}

/** A minimal package (no build) in a temp dir: its evil.cjs would write `marker`. */
function evilPackage(name: string, marker: string, extra: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'discode-evil-'))
  writeFileSync(join(dir, 'evil.cjs'), evilScript(marker))
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({name, version: '1.0.0', files: ['evil.cjs'], publishConfig: {access: 'public'}, ...extra}),
  )
  return dir
}
