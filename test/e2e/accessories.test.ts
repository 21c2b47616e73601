/**
 * Accessories end to end, on real parts: a "database" accessory (busybox httpd storing keys in its
 * volume, guarded by a generated password it shares with the app) and a "cache" accessory checked over
 * HTTP, both started before the app; the data is read through the app, over the proxy route. Updates
 * leave the accessories alone; a changed accessory is refused without --accessories and replaced with
 * it; uninstall keeps the accessory's volume and a reinstall finds the data.
 */
import assert from 'node:assert/strict'
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {before, describe, it} from 'node:test'

import {stringify} from 'yaml'

import {
  ACCESSORY_APP_REPOSITORY,
  ACCESSORY_DB_REPOSITORY,
  ACCESSORY_SIGINT_IMAGE,
  accessoryFeed,
  buildAndPushAccessoryImages,
} from '../support/accessory-images.js'
import {allAppContainers, discode, discodeJson} from '../support/discode.js'
import {assertNoFailedRequests, httpGet, loadDuring} from '../support/http.js'
import {docker} from '../support/images.js'
import {useWorld} from '../support/world.js'

const WORLD = 'accsy'
const APP = 'accsy-app'
const HOST = 'accsy.test'
const DB = `${APP}-db`
const CACHE = `${APP}-cache`
const DB_VOLUME = `${APP}-db-data`
/** Another vendor's app on the same host: its own network, never the accessories of APP. */
const OTHER = 'accsy-b'
const OTHER_HOST = 'b.accsy.test'

describe('accessories: started first, kept across updates, replaced only when asked', () => {
  const {world, feed} = useWorld(WORLD, {images: buildAndPushAccessoryImages, feed: accessoryFeed(['1.0.0'])})
  let recipeDir: string

  const get = (path = '/') => httpGet(`${world.url}${path}`, {host: HOST, timeoutMs: 15_000})
  const db = async (query: string) => (await get(`/cgi-bin/db?${query}`)).body
  const inspect = async (name: string, format: string) => (await docker(['inspect', '--format', format, name])).stdout.trim()
  const networksOf = async (name: string) =>
    Object.keys(JSON.parse(await inspect(name, '{{json .NetworkSettings.Networks}}')) as object).sort()
  const appNetwork = (app = APP) => `${world.network}.${app}`
  /** Whether `from` opens a TCP connection to `target`:7000 and gets an answer (busybox wget inside it, 3 s; its -T crashes). */
  const reaches = (from: string, target: string) =>
    docker(['exec', from, 'timeout', '3', 'wget', '-q', '-O', '/dev/null', `http://${target}:7000/healthz`]).then(
      () => true,
      () => false,
    )
  const serving = async () => (await discodeJson(world, ['status', APP, '--offline'])).json.apps[0].container as string

  /** The recipe, with the db accessory at the given image tag (and command). */
  function writeAccessoryRecipe(dbTag: '1' | '2', dbCommand?: string[]) {
    mkdirSync(recipeDir, {recursive: true})
    const recipe = {
      name: 'accapp',
      title: 'App with accessories',
      image: ACCESSORY_APP_REPOSITORY,
      port: 80,
      health: {path: '/up', interval: '200ms', timeout: '2s', deployTimeout: '10s'},
      feed: feed.url,
      inputs: [{name: 'hostname', required: true, pattern: '^[a-z0-9.-]+$'}],
      secrets: {db_password: {generate: 'hex', length: 32}},
      env: {
        DB_HOST: '{{accessories.db.host}}',
        DB_PORT: '{{accessories.db.port}}',
        DB_PASSWORD: '{{secrets.db_password}}',
        CACHE_URL: 'http://{{accessories.cache.host}}:{{accessories.cache.port}}',
      },
      proxy: {host: '{{inputs.hostname}}'},
      accessories: {
        db: {
          image: `${ACCESSORY_DB_REPOSITORY}:${dbTag}`,
          port: 7000,
          env: {DB_PASSWORD: '{{secrets.db_password}}'},
          volumes: [{name: 'data', path: '/var/lib/db'}],
          ...(dbCommand ? {command: dbCommand} : {}),
          health: {cmd: ['/bin/wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:7000/healthz']},
        },
        cache: {image: `${ACCESSORY_DB_REPOSITORY}:1`, port: 7000, health: {path: '/healthz'}},
      },
    }
    writeFileSync(join(recipeDir, 'recipe.yml'), stringify(recipe))
  }

  before(() => {
    recipeDir = join(world.home, 'recipes', 'accapp')
    writeAccessoryRecipe('1')
  })

  it('install starts the accessories first, waits until healthy, and the app reaches them by name', async () => {
    const {code, json, stderr} = await discodeJson(world, ['install', APP, '--recipe', recipeDir, '--set', `hostname=${HOST}`])
    assert.equal(code, 0, stderr)
    assert.deepEqual(json.accessories.map((a: {name: string; action: string}) => `${a.name}:${a.action}`).sort(), [
      'cache:created',
      'db:created',
    ])
    assert.equal(typeof json.timings.accessories, 'number')

    const labels = JSON.parse(await inspect(DB, '{{json .Config.Labels}}'))
    assert.equal(labels['discode.app'], APP)
    assert.equal(labels['discode.accessory'], 'db')
    assert.equal(labels['discode.version'], undefined, 'an accessory belongs to no release')
    assert.match(labels['discode.accessory-hash'], /^[0-9a-f]{16}$/)
    assert.equal(await inspect(DB, '{{.HostConfig.RestartPolicy.Name}}'), 'unless-stopped')
    assert.deepEqual(await networksOf(DB), [appNetwork()], "on the app's own network only")
    assert.deepEqual(await networksOf(json.to.container), [appNetwork()])
    assert.ok((await networksOf(world.proxyContainer)).includes(appNetwork()), "the proxy joined the app's network")
    assert.equal(await inspect(DB, '{{.State.Health.Status}}'), 'healthy', 'health.cmd became a Docker HEALTHCHECK')
    assert.equal((await docker(['volume', 'inspect', '--format', '{{index .Labels "discode.app"}}', DB_VOLUME])).stdout.trim(), APP)

    // Docker's own records: the db passed its health check before the app container was created.
    const checks = JSON.parse(await inspect(DB, '{{json .State.Health.Log}}')) as {End: string; ExitCode: number}[]
    const firstHealthy = checks.find((c) => c.ExitCode === 0)
    assert.ok(firstHealthy, 'a successful health check is recorded')
    const appCreated = await inspect(json.to.container, '{{.Created}}')
    assert.ok(Date.parse(firstHealthy.End) <= Date.parse(appCreated), `db healthy at ${firstHealthy.End}, app created at ${appCreated}`)

    assert.equal((await get()).body, 'version=1.0.0\n')
    assert.equal(await db('op=put&key=greeting&value=hello'), 'stored greeting\n')
    assert.equal(await db('op=get&key=greeting'), 'hello\n', 'the app and the db share the generated password')
  })

  it('status lists the accessories with their health', async () => {
    const {code, json} = await discodeJson(world, ['status', APP, '--offline'])
    assert.equal(code, 0)
    const [app] = json.apps
    assert.deepEqual(
      app.accessories.map((a: {name: string; container: string; health: string}) => [a.name, a.container, a.health]),
      [
        ['cache', CACHE, 'healthy'],
        ['db', DB, 'healthy'],
      ],
    )
    const table = await discode(world, ['status', APP, '--offline'])
    assert.match(table.stdout, /ACCESSORIES/)
    assert.match(table.stdout, /cache healthy, db healthy/)
  })

  it("another app cannot open a connection to this app's accessory, by name or by address; the proxy reaches both", async () => {
    const b = await discodeJson(world, ['install', OTHER, '--recipe', recipeDir, '--set', `hostname=${OTHER_HOST}`])
    assert.equal(b.code, 0, b.stderr)
    const bContainer = b.json.to.container as string
    const aContainer = await serving()
    const dbAddress = await inspect(DB, `{{(index .NetworkSettings.Networks "${appNetwork()}").IPAddress}}`)
    assert.match(dbAddress, /^\d+\.\d+\.\d+\.\d+$/)
    assert.equal(await reaches(aContainer, DB), true, 'its own app reaches the db (the check can succeed)')
    assert.equal(await reaches(bContainer, DB), false, 'by name: another app does not even resolve it')
    assert.equal(await reaches(bContainer, dbAddress), false, 'by address: no route from the other network')
    assert.equal(await reaches(bContainer, `${OTHER}-db`), true, 'the other app reaches its own db')
    assert.deepEqual(await get(), {status: 200, body: 'version=1.0.0\n'})
    assert.deepEqual(await httpGet(`${world.url}/`, {host: OTHER_HOST, timeoutMs: 15_000}), {status: 200, body: 'version=1.0.0\n'})

    const gone = await discodeJson(world, ['uninstall', OTHER, '--purge', '--yes'])
    assert.equal(gone.code, 0, gone.stderr)
    assert.deepEqual(gone.json.network, {name: appNetwork(OTHER), removed: true, usedBy: []})
    assert.ok(!(await networksOf(world.proxyContainer)).includes(appNetwork(OTHER)), 'the proxy left it first')
  })

  it('an install made on the one shared network moves to its own with its next update, under load, failing no request', async () => {
    // What an older discode left: the app, its accessories and the proxy on DISCODE_NETWORK alone.
    const release = await serving()
    for (const name of [release, DB, CACHE]) {
      await docker(['network', 'connect', world.network, name])
      await docker(['network', 'disconnect', appNetwork(), name])
    }
    await docker(['network', 'disconnect', appNetwork(), world.proxyContainer])
    await docker(['network', 'rm', appNetwork()])
    assert.equal(await db('op=get&key=greeting'), 'hello\n', 'the old layout serves')

    const before = {db: await inspect(DB, '{{.Id}}'), cache: await inspect(CACHE, '{{.Id}}')}
    feed.setFeed(accessoryFeed(['1.0.0', '1.1.0']))
    let update: {code: number; json: any; stderr: string} | undefined // eslint-disable-line @typescript-eslint/no-explicit-any
    const load = await loadDuring(`${world.url}/cgi-bin/db?op=get&key=greeting`, {host: HOST}, async () => {
      update = await discodeJson(world, ['update', APP])
    })
    const {code, json, stderr} = update!
    assert.equal(code, 0, stderr)
    assertNoFailedRequests(load)
    assert.deepEqual([...load.bodies.keys()], ['hello\n'])
    for (const name of [json.to.container, DB, CACHE]) assert.deepEqual(await networksOf(name), [appNetwork()], name)
    assert.deepEqual(await networksOf(release), [appNetwork()], 'the kept release moved too (rollback starts it there)')
    // An app update never touches the accessories: the same containers, the data still there.
    assert.equal(json.to.version, '1.1.0')
    assert.deepEqual(
      json.accessories.map((a: {action: string}) => a.action),
      ['unchanged', 'unchanged'],
    )
    assert.deepEqual({db: await inspect(DB, '{{.Id}}'), cache: await inspect(CACHE, '{{.Id}}')}, before, 'same containers')
    assert.equal((await get()).body, 'version=1.1.0\n')
    assert.equal(await db('op=version'), 'db=1\n')
  })

  it('a changed accessory is refused without --accessories, and nothing changes', async () => {
    writeAccessoryRecipe('2')
    feed.setFeed(accessoryFeed(['1.1.0', '1.2.0']))
    const dbId = await inspect(DB, '{{.Id}}')
    const result = await discode(world, ['update', APP])
    assert.equal(result.code, 1)
    assert.match(
      result.stderr,
      /Error: The recipe changes the accessory db of accsy-app \(image .*accessory-db:1 → .*accessory-db:2\): nothing was changed/,
    )
    assert.match(result.stderr, /Hint: .*discode update accsy-app --accessories/)
    assert.equal(await inspect(DB, '{{.Id}}'), dbId)
    assert.equal((await get()).body, 'version=1.1.0\n', 'the app was not updated either')
  })

  // --no-snapshot: the snapshot before a replacement stops and starts the db once more (it has no
  // dump command), and this file counts the db's starts; snapshots are tested in backup.test.ts.
  it('update --accessories replaces it on the same volume and reports its downtime', async () => {
    const before = {db: await inspect(DB, '{{.Id}}'), cache: await inspect(CACHE, '{{.Id}}')}
    const {code, json, stderr} = await discodeJson(world, ['update', APP, '--accessories', '--no-snapshot'])
    assert.equal(code, 0, stderr)
    assert.equal(json.to.version, '1.2.0')
    const byName = Object.fromEntries(json.accessories.map((a: {name: string}) => [a.name, a]))
    assert.equal(byName.db.action, 'replaced')
    assert.equal(typeof byName.db.downtimeMs, 'number')
    assert.equal(byName.cache.action, 'unchanged')
    console.log(`# the db accessory was down for ${byName.db.downtimeMs} ms while it was replaced`)

    assert.notEqual(await inspect(DB, '{{.Id}}'), before.db, 'a new db container')
    assert.equal(await inspect(CACHE, '{{.Id}}'), before.cache, 'the unchanged cache was not touched')
    assert.deepEqual(
      (await allAppContainers(APP)).filter((n) => n.startsWith(`${DB}-`)),
      [],
      'no leftover of the old db',
    )
    assert.equal(await db('op=version'), 'db=2\n')
    assert.equal(await db('op=get&key=greeting'), 'hello\n', 'the new db found the data in the same volume')
  })

  it('the text output says how long the accessory was down', async () => {
    writeAccessoryRecipe('1')
    const result = await discode(world, ['update', APP, '--accessories', '--no-snapshot'])
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /Replaced the accessory db \(accsy-app-db, now .*accessory-db:1\): down for \d+\.\d s/)
    assert.equal(await db('op=get&key=greeting'), 'hello\n')
  })

  it('a replacement that never becomes healthy gives the old accessory back', async () => {
    const dbId = await inspect(DB, '{{.Id}}')
    writeAccessoryRecipe('1', ['/bin/sh', '-c', 'echo "db: cannot read the data directory" >&2; exit 3'])
    const result = await discode(world, ['update', APP, '--accessories', '--no-snapshot'])
    assert.equal(result.code, 1)
    assert.match(
      result.stderr,
      /Error: The accessory db of accsy-app did not become healthy: it exited (with code 3 )?.*; the previous accsy-app-db runs again/,
    )
    assert.match(result.stderr, /db: cannot read the data directory/, 'its last log lines are shown')
    assert.equal(await inspect(DB, '{{.Id}}'), dbId, 'the very same container')
    assert.equal(await db('op=get&key=greeting'), 'hello\n')
    writeAccessoryRecipe('1')
  })

  it('a stopped accessory is started again by update', async () => {
    await docker(['stop', DB])
    assert.equal((await get('/cgi-bin/db?op=get&key=greeting')).status, 502, 'the app cannot reach its db')
    const {code, json, stderr} = await discodeJson(world, ['update', APP])
    assert.equal(code, 0, stderr)
    assert.equal(json.status, 'up-to-date')
    assert.equal(json.accessories.find((a: {name: string}) => a.name === 'db').action, 'started')
    assert.equal(await db('op=get&key=greeting'), 'hello\n')
  })

  it('uninstall removes the accessory containers and keeps their volumes; a reinstall finds the data', async () => {
    const result = await discodeJson(world, ['uninstall', APP])
    assert.equal(result.code, 0, result.stderr)
    assert.ok(result.json.containers.includes(DB) && result.json.containers.includes(CACHE))
    assert.deepEqual(await allAppContainers(APP), [])
    assert.ok(result.json.volumes.kept.includes(DB_VOLUME), `kept: ${result.json.volumes.kept}`)

    const again = await discode(world, ['install', APP, '--recipe', recipeDir, '--set', `hostname=${HOST}`, '--version', '1.1.0'])
    assert.equal(again.code, 0, again.stderr)
    assert.equal(await db('op=get&key=greeting'), 'hello\n', 'same volume, same generated password')
    assert.equal(
      (await docker(['exec', DB, 'cat', '/var/lib/db/starts.log'])).stdout.split('\n').filter(Boolean).length,
      6,
      'install, replace, replace, restored, restart, reinstall',
    )

    const purge = await discodeJson(world, ['uninstall', APP, '--purge', '--yes'])
    assert.equal(purge.code, 0, purge.stderr)
    assert.ok(purge.json.volumes.removed.includes(DB_VOLUME))
    assert.equal((await docker(['volume', 'ls', '-q', '--filter', `name=^${DB_VOLUME}$`])).stdout.trim(), '')
  })

  // PostgreSQL's image stops on SIGINT and waits for every client on SIGTERM: the image's signal is kept.
  it("an accessory stops with its image's STOPSIGNAL; a recipe stop still wins", async () => {
    const app = `${APP}-sig`
    const sigDir = join(world.home, 'recipes', 'sigapp')
    const writeSigRecipe = (stop?: {signal: string; timeout: string}) => {
      mkdirSync(sigDir, {recursive: true})
      const sig = {image: ACCESSORY_SIGINT_IMAGE, ...(stop ? {stop} : {})}
      const recipe = {name: 'sigapp', image: ACCESSORY_APP_REPOSITORY, feed: feed.url, proxy: {host: 'sig.accsy.test'}, accessories: {sig}}
      writeFileSync(join(sigDir, 'recipe.yml'), stringify({...recipe, health: {path: '/up', interval: '200ms', deployTimeout: '10s'}}))
    }
    const sigStop = async () =>
      (await discodeJson(world, ['status', app, '--offline'])).json.apps[0].accessories.find((a: {name: string}) => a.name === 'sig').stop
    writeSigRecipe()
    const installed = await discode(world, ['install', app, '--recipe', sigDir, '--version', '1.1.0'])
    assert.equal(installed.code, 0, installed.stderr)
    assert.deepEqual(await sigStop(), {signal: 'SIGINT', source: 'image', timeout: 30})

    // The replacement stops the old container with SIGINT: it exits at once.
    writeSigRecipe({signal: 'SIGTERM', timeout: '3s'})
    const replaced = await discodeJson(world, ['update', app, '--accessories', '--no-snapshot'])
    assert.equal(replaced.code, 0, replaced.stderr)
    const downtime = replaced.json.accessories.find((a: {name: string}) => a.name === 'sig').downtimeMs
    // SIGTERM would run into the 30 s timeout; the replacement (stop, create, start) is far below it.
    assert.ok(downtime < 10_000, `the SIGINT accessory was down ${downtime} ms`)
    console.log(`# the SIGINT accessory was replaced with ${downtime} ms of downtime`)
    assert.deepEqual(await sigStop(), {signal: 'SIGTERM', source: 'recipe', timeout: 3})

    // The recipe's SIGTERM wins: ignored, so uninstall waits its 3 s and kills it.
    const started = performance.now()
    const removed = await discode(world, ['uninstall', app, '--purge', '--yes'])
    assert.equal(removed.code, 0, removed.stderr)
    assert.ok(performance.now() - started >= 2900, 'the recipe signal (ignored) ran into its timeout')
  })
})
