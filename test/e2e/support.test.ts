/**
 * Supportable on any server, end to end: preflight stops an install before anything is created
 * (memory the host does not have, a port another program holds) and --skip-preflight goes on;
 * doctor finds a stopped proxy, a route removed by hand, an interrupted journal, a stale lock and an
 * app in a restart loop, and `doctor --fix` repairs the ones discode owns; the support bundle of an
 * app whose secrets are everywhere (generated, secret input, registry password, printed by the app
 * at start-up, in a failed update's log tail) holds none of them, and does hold that failure.
 */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {cp} from 'node:fs/promises'
import {createServer, type Server} from 'node:net'
import {hostname, tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {assertCleanFailure, shown, walk} from '../support/checks.js'
import {
  allAppContainers,
  buildStandinImage,
  createWorld,
  destroyWorld,
  discode,
  discodeJson,
  feedOf,
  ROOT,
  type World,
  writeRecipe,
} from '../support/discode.js'
import {eventually, type FeedServer, httpGet, startFeedServer} from '../support/http.js'
import {buildAndPushFixtureImages, docker, REPOSITORY} from '../support/images.js'

const LICENSE = `LK-${randomBytes(12).toString('hex')}`
const REGISTRY_PASSWORD = `RP-${randomBytes(12).toString('base64url')}`
/**
 * The test app under tags of this file's own: its start script prints PRINT_AT_START and crashes on
 * demand, and other test runs pushing the shared tags at the same time must not swap it under us.
 */
const OK_TAG = 'support-1.0.0'
const UNHEALTHY_TAG = 'support-unhealthy'

async function buildSupportImages(): Promise<void> {
  await buildAndPushFixtureImages('apps-support', (context) => cp(join(ROOT, 'test/fixtures/apps'), context, {recursive: true}), [
    {tag: `${REPOSITORY}:${OK_TAG}`, target: 'app', args: ['APP_VERSION=1.0.0']},
    {tag: `${REPOSITORY}:${UNHEALTHY_TAG}`, target: 'unhealthy', args: ['APP_VERSION=9.9.9-unhealthy']},
  ])
}

async function networkExists(name: string): Promise<boolean> {
  return docker(['network', 'inspect', name]).then(
    () => true,
    () => false,
  )
}

async function containerExists(name: string): Promise<boolean> {
  return docker(['inspect', name]).then(
    () => true,
    () => false,
  )
}

describe('preflight, doctor and support bundles', () => {
  let world: World
  let feed: FeedServer
  let scratch: string

  before(async () => {
    await Promise.all([buildSupportImages(), buildStandinImage()])
    world = await createWorld('sup')
    scratch = mkdtempSync(join(tmpdir(), 'discode-sup-'))
    feed = await startFeedServer(feedOf([{version: '1.0.0', tag: OK_TAG}]))
  })

  after(async () => {
    await feed?.close()
    if (world) await destroyWorld(world)
    if (scratch) rmSync(scratch, {recursive: true, force: true})
  })

  /** Nothing of discode exists yet: no network, proxy, app container, nor anything under DISCODE_HOME. */
  async function assertUntouched(app: string) {
    assert.equal(await networkExists(world.network), false, 'no network')
    assert.equal(await containerExists(world.proxyContainer), false, 'no proxy container')
    assert.deepEqual(await allAppContainers(app), [], 'no app container')
    assert.deepEqual(readdirSync(world.home), [], 'nothing under DISCODE_HOME (no state, journal or lock)')
  }

  describe('preflight', () => {
    let hungry: string

    before(() => {
      hungry = writeRecipe(join(scratch, 'hungry'), feed.url, {requirements: {memory: '64TB', docker: '>=20.10'}})
    })

    it('a recipe needing more memory than the host has fails install before anything is created', async () => {
      const result = await discode(world, ['install', 'sup-mem', '--recipe', hungry, '--set', 'hostname=mem.test'])
      assertCleanFailure(result, /^Error: The host has .* of memory; the recipe needs 64 TB/, /more memory.*--skip-preflight/s)
      assert.match(result.stderr, /FAIL\s+memory/)
      await assertUntouched('sup-mem')
    })

    it('a port another program holds on 127.0.0.1 fails install before anything is created', async () => {
      const squatter: Server = createServer()
      await new Promise<void>((ok) => squatter.listen(world.httpPort, '127.0.0.1', ok))
      try {
        const plain = writeRecipe(join(scratch, 'plain'), feed.url)
        const result = await discode(world, ['install', 'sup-port', '--recipe', plain, '--set', 'hostname=port.test'])
        assertCleanFailure(result, new RegExp(`^Error: 127\\.0\\.0\\.1:${world.httpPort} is already taken`), /DISCODE_PROXY_HTTP_PORT/)
        await assertUntouched('sup-port')
      } finally {
        await new Promise((ok) => squatter.close(ok))
      }
    })

    it('discode preflight RECIPE --json reports every check; exit 1 when one fails', async () => {
      const failing = await discodeJson(world, ['preflight', hungry])
      assert.equal(failing.code, 1)
      const ids = failing.json.checks.map((c: {id: string}) => c.id)
      for (const id of [
        'docker',
        'docker-version',
        'memory',
        'cpus',
        'arch',
        'disk',
        'port-http',
        'port-https',
        'registry',
        'feed',
        'clock',
      ])
        assert.ok(ids.includes(id), `check ${id} in ${ids}`)
      assert.equal(failing.json.checks.find((c: {id: string}) => c.id === 'memory').status, 'fail')
      assert.equal(failing.json.checks.find((c: {id: string}) => c.id === 'feed').status, 'pass')
      assert.match(
        failing.json.checks.find((c: {id: string}) => c.id === 'feed').detail,
        /lists \d+ release\(s\)/,
        'the feed was read and parsed',
      )
      const fine = await discodeJson(world, ['preflight', writeRecipe(join(scratch, 'fine'), feed.url)])
      assert.equal(fine.code, 0, JSON.stringify(fine.json))
      assert.equal(fine.json.ok, true)
      await assertUntouched('sup-mem')
    })

    it('--skip-preflight installs anyway, and says what it skipped', async () => {
      const result = await discode(world, ['install', 'sup-mem', '--recipe', hungry, '--set', 'hostname=mem.test', '--skip-preflight'])
      assert.equal(result.code, 0, shown(result))
      // oclif wraps warnings to the terminal width: read them as one line.
      assert.match(result.stderr.replace(/\s*›\s*/g, ' ').replace(/\s+/g, ' '), /--skip-preflight: the host was not checked \(.*memory.*\)/)
      assert.equal((await httpGet(`${world.url}/`, {host: 'mem.test'})).body, 'version=1.0.0\n')
      const removed = await discode(world, ['uninstall', 'sup-mem', '--purge', '--yes', '--no-snapshot'])
      assert.equal(removed.code, 0, shown(removed))
    })
  })

  describe('doctor', () => {
    const APP = 'sup-doc'
    const HOST = 'doc.test'

    before(async () => {
      const result = await discode(world, [
        'install',
        APP,
        '--recipe',
        writeRecipe(join(scratch, 'doc'), feed.url),
        '--set',
        `hostname=${HOST}`,
      ])
      assert.equal(result.code, 0, shown(result))
    })

    /** doctor finds `problem` (exit 1, its fix shown); --fix repairs it; then doctor exits 0 and the app serves. */
    async function findAndFix(problem: string) {
      const found = await discodeJson(world, ['doctor'])
      assert.equal(found.code, 1, JSON.stringify(found.json))
      const ids = found.json.problems.map((p: {id: string}) => p.id)
      assert.ok(ids.includes(problem), `${problem} in ${ids}`)
      const text = await discode(world, ['doctor'])
      assert.equal(text.code, 1)
      assert.match(text.stdout, /^PROBLEM .*\[fixable\]\n {2}fix: .+/m)
      const fixed = await discode(world, ['doctor', '--fix'])
      assert.equal(fixed.code, 0, shown(fixed))
      assert.match(fixed.stdout, /^Fixed: /m)
      assert.match(fixed.stdout, /All is well/)
      const again = await discode(world, ['doctor'])
      assert.equal(again.code, 0, shown(again))
      assert.equal((await httpGet(`${world.url}/`, {host: HOST})).body, 'version=1.0.0\n')
    }

    it('all is well after an install: exit 0', async () => {
      const result = await discode(world, ['doctor'])
      assert.equal(result.code, 0, shown(result))
      assert.match(result.stdout, /All is well \(\d+ app/)
    })

    it('the proxy stopped', async () => {
      await docker(['stop', world.proxyContainer])
      await findAndFix('proxy-stopped')
    })

    it('a route removed by hand', async () => {
      await docker(['exec', world.proxyContainer, 'kamal-proxy', 'remove', APP])
      await findAndFix('route-missing')
    })

    it('an interrupted journal', async () => {
      const at = new Date().toISOString()
      const lines = [
        {at, event: 'begin', name: 'update'},
        {at, event: 'start', name: 'pull', detail: 'Pulling'},
      ]
      writeFileSync(join(world.home, 'apps', APP, 'journal.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n', {mode: 0o600})
      await findAndFix('journal-unfinished')
      const journal = readFileSync(join(world.home, 'apps', APP, 'journal.jsonl'), 'utf8')
      assert.match(journal, /"event":"end"/, 'the recovery ended its own operation')
    })

    it('a stale lock (its holder died)', async () => {
      const dead = spawnSync(process.execPath, ['-e', '0']).pid!
      mkdirSync(join(world.home, 'locks', `${APP}.lock`), {recursive: true})
      const holder = {pid: dead, host: hostname(), command: 'update', since: new Date().toISOString()}
      writeFileSync(join(world.home, 'locks', `${APP}.holder.json`), JSON.stringify(holder))
      await findAndFix('lock-stale')
      assert.deepEqual(
        readdirSync(join(world.home, 'locks')).filter((f) => f.startsWith(APP)),
        [],
      )
    })

    it('an app container in a restart loop, with its last log lines; not repaired (the app is the vendor’s)', async () => {
      const LOOP = 'sup-loop'
      const installed = await discode(world, [
        'install',
        LOOP,
        '--recipe',
        writeRecipe(join(scratch, 'loop'), feed.url),
        '--set',
        'hostname=loop.test',
      ])
      assert.equal(installed.code, 0, shown(installed))
      const [container] = await allAppContainers(LOOP)
      await docker(['exec', container, 'touch', '/www/data/crash-at-start'])
      // A clean exit of PID 1; Docker's restart policy starts it again, and every start now crashes.
      await docker(['exec', container, 'kill', '-TERM', '1'])
      const found = await eventually(async () => {
        const result = await discodeJson(world, ['doctor', LOOP])
        return result.json.problems.find((p: {id: string}) => p.id === 'restart-loop')
      })
      assert.match(found.message, /restart loop/)
      assert.ok(
        found.logs.some((line: string) => line.includes('boom: crash-at-start is set')),
        found.logs.join('\n'),
      )
      const text = await discode(world, ['doctor', LOOP, '--fix'])
      assert.equal(text.code, 1, shown(text))
      assert.match(text.stdout, /^ {2}\| boom: crash-at-start is set$/m)
      assert.match(text.stdout, /fix: .*discode rollback sup-loop/)
      const removed = await discode(world, ['uninstall', LOOP, '--purge', '--yes', '--no-snapshot'])
      assert.equal(removed.code, 0, shown(removed))
      assert.equal((await discode(world, ['doctor'])).code, 0)
    })
  })

  describe('support bundle', () => {
    const APP = 'sup-sec'
    const HOST = 'sec.test'
    let recipeDir: string
    const secrets: {name: string; value: string}[] = [
      {name: 'license key (secret input)', value: LICENSE},
      {name: 'registry password', value: REGISTRY_PASSWORD},
    ]

    before(async () => {
      recipeDir = writeRecipe(join(scratch, 'sec'), `${feed.url}?license={{inputs.license_key}}`, {
        inputs: [
          {name: 'hostname', required: true, pattern: '^[a-z0-9.-]+$'},
          {name: 'license_key', required: true, secret: true, pattern: '^LK-[0-9a-f]+$'},
        ],
        secrets: {secret_key_base: {generate: 'hex', length: 64}},
        env: {
          APP_HOST: '{{inputs.hostname}}',
          SECRET_KEY_BASE: '{{secrets.secret_key_base}}',
          // The app prints this at start-up: its own secrets, in its log.
          PRINT_AT_START: 'key={{secrets.secret_key_base}} license={{inputs.license_key}}',
        },
      })
      writeFileSync(join(scratch, 'license'), LICENSE)
      const env = {...world.env, DISCODE_REGISTRY_PASSWORD: REGISTRY_PASSWORD}
      const result = await discode({...world, env}, [
        'install',
        APP,
        '--recipe',
        recipeDir,
        '--set',
        `hostname=${HOST}`,
        '--set-file',
        `license_key=${join(scratch, 'license')}`,
        '--registry-user',
        'customer-7',
      ])
      assert.equal(result.code, 0, shown(result))
      const stored = JSON.parse(readFileSync(join(world.home, 'apps', APP, 'secrets.json'), 'utf8'))
      secrets.push({name: 'generated secret', value: stored.generated.secret_key_base})
      const logs = await docker(['logs', (await allAppContainers(APP))[0]])
      assert.ok(logs.stderr.includes(stored.generated.secret_key_base), 'the app logs its own secret (the premise of this test)')
    })

    it('holds the failure of an update and its log tail, and no secret anywhere', async () => {
      feed.setFeed(
        feedOf([
          {version: '1.0.0', tag: '1.0.0'},
          {version: '1.1.0', tag: 'unhealthy'},
        ]),
      )
      const failed = await discode(world, ['update', APP])
      assert.equal(failed.code, 1, shown(failed))
      assert.match(failed.stderr, /1\.1\.0 was not deployed/)

      const file = join(scratch, 'bundle.tar.gz')
      const made = await discodeJson(world, ['support-bundle', APP, '-o', file])
      assert.equal(made.code, 0, JSON.stringify(made.json))
      const listed = made.json.files.map((f: {path: string}) => f.path)
      for (const path of [
        'versions.json',
        'docker-info.json',
        'doctor.json',
        'proxy/logs.txt',
        `apps/${APP}/record.json`,
        `apps/${APP}/journal.jsonl`,
      ])
        assert.ok(listed.includes(path), `${path} in ${listed}`)

      const out = join(scratch, 'bundle')
      mkdirSync(out)
      const untar = spawnSync('tar', ['-xzf', file, '-C', out])
      assert.equal(untar.status, 0, String(untar.stderr))
      const files = walk(out).filter((f) => !f.dir)
      assert.ok(files.length >= listed.length, `${files.length} files extracted`)
      const leaks: string[] = []
      for (const {path} of files) {
        const bytes = readFileSync(path)
        for (const {name, value} of secrets) {
          const forms = [value, value.slice(0, 12), value.slice(-12), encodeURIComponent(value), Buffer.from(value).toString('base64')]
          for (const form of forms)
            if (bytes.includes(form)) leaks.push(`${path.slice(out.length)}: ${name} (${form === value ? 'whole' : form})`)
        }
      }
      assert.deepEqual(leaks, [], 'no secret in any byte of any file')

      const byName = (suffix: string) => {
        const found = files.find((f) => f.path.endsWith(suffix))
        assert.ok(found, `${suffix} in the bundle`)
        return readFileSync(found.path, 'utf8')
      }
      const failure = byName(`apps/${APP}/last-failure.txt`)
      assert.match(failure, /1\.1\.0 was not deployed: .*healthy/)
      assert.match(failure, /Last log lines of the failed release/)
      // The failed release's own lines: httpd answering the proxy's health checks with 404.
      assert.match(failure, /^ {2}\| .*response:404$/m)
      const status = byName(`apps/${APP}/status.json`)
      assert.match(status, /SECRET_KEY_BASE=\[REDACTED\]/)
      assert.match(status, /APP_HOST=sec\.test/, 'harmless variables stay readable')
      const serving = files.find((f) => /apps\/sup-sec\/logs\/sup-sec-[0-9a-f]{12}\.txt$/.test(f.path))
      assert.ok(serving)
      assert.match(readFileSync(serving.path, 'utf8'), /starting with config: key=\[REDACTED\]/)
      assert.match(byName(`apps/${APP}/recipe/recipe.yml`), /PRINT_AT_START/)
      assert.match(byName(`apps/${APP}/feed.json`), /"available"/)
    })
  })
})
