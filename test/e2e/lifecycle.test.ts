/**
 * The main job, end to end, on real parts: a real dockerd, images pulled from a real registry on
 * 127.0.0.1, the kamal-proxy stand-in, a feed over HTTP, and every check made with HTTP requests
 * through the proxy. Steps run in order and build on each other, like a customer's server would.
 */
import assert from 'node:assert/strict'
import {statSync} from 'node:fs'
import {join} from 'node:path'
import {before, describe, it} from 'node:test'

import {allAppContainers, discode, discodeJson, feedOf, runningAppContainers, writeRecipe} from '../support/discode.js'
import {assertNoFailedRequests, httpGet, loadDuring} from '../support/http.js'
import {docker, removeLocalImage, REPOSITORY} from '../support/images.js'
import {useWorld} from '../support/world.js'

const APP = 'life-app'
const HOST = 'life.test'
/** What the preSwitch hook wrote by the end of the first update. */
const MIGRATED = '1.0.0 ran while serving \n1.1.0 ran while serving version=1.0.0\n'

describe('install, update, rollback, uninstall through kamal-proxy', () => {
  const {world, feed} = useWorld('life')
  let recipeDir: string

  const get = (path = '/') => httpGet(`${world.url}${path}`, {host: HOST})
  const underLoad = (work: () => Promise<void>) => loadDuring(`${world.url}/`, {host: HOST}, work)
  const body = async () => (await get()).body

  before(async () => {
    recipeDir = writeRecipe(join(world.home, 'recipes', 'testapp'), feed.url, {
      hooks: {
        preSwitch: [
          {
            name: 'migrate',
            // Records, into the app's volume, which version the proxy served while the hook ran.
            run: [
              '/bin/sh',
              '-c',
              `echo "$APP_VERSION ran while serving $(wget -qO- --header 'Host: ${HOST}' http://$PROXY/)" >> /www/data/migrations.log`,
            ],
          },
        ],
        postSwitch: [],
      },
      env: {APP_HOST: '{{inputs.hostname}}', SECRET_KEY_BASE: '{{secrets.secret_key_base}}', PROXY: world.proxyContainer},
    })
    // The image is not on the host: install must really pull it from the registry.
    await removeLocalImage(`${REPOSITORY}:1.0.0`)
  })

  it('install serves 1.0.0 through the proxy', async () => {
    const {code, json, stderr} = await discodeJson(world, ['install', APP, '--recipe', recipeDir, '--set', `hostname=${HOST}`])
    assert.equal(code, 0, stderr)
    assert.equal(json.to.version, '1.0.0')
    assert.match(json.to.container, new RegExp(`^${APP}-[0-9a-f]{12}$`))
    assert.equal(await body(), 'version=1.0.0\n')
    assert.deepEqual(await runningAppContainers(APP), [json.to.container])
    const labels = JSON.parse((await docker(['inspect', '--format', '{{json .Config.Labels}}', json.to.container])).stdout)
    assert.equal(labels['discode.app'], APP)
    assert.equal(labels['discode.version'], '1.0.0')
    for (const file of ['app.json', 'secrets.json']) {
      assert.equal(statSync(join(world.home, 'apps', APP, file)).mode & 0o777, 0o600, `${file} must be 0600`)
    }
  })

  it('install refuses an app that is already installed', async () => {
    const result = await discode(world, ['install', APP, '--recipe', recipeDir, '--set', `hostname=${HOST}`])
    assert.equal(result.code, 1)
    assert.match(result.stderr, /Error: life-app is already installed \(version 1\.0\.0\)/)
    assert.match(result.stderr, /Hint: .*discode update life-app/)
  })

  it('update --check reports the newest release without changing anything', async () => {
    feed.setFeed(
      feedOf([
        {version: '1.0.0', tag: '1.0.0'},
        {version: '1.1.0', tag: '1.1.0'},
        {version: '1.2.0-beta.1', tag: '1.2.0'},
      ]),
    )
    const {code, json} = await discodeJson(world, ['update', APP, '--check'])
    assert.equal(code, 0)
    assert.equal(json.current, '1.0.0')
    assert.equal(json.available.version, '1.1.0', 'a prerelease is never picked')
    assert.equal(await body(), 'version=1.0.0\n')
  })

  it('update to 1.1.0 under load: zero failed requests, hooks before the switch, one container left running', async () => {
    let result: {code: number; json: any; stderr: string} | undefined
    const loop = await underLoad(async () => {
      result = await discodeJson(world, ['update', APP])
    })
    assert.equal(result!.code, 0, result!.stderr)
    assertNoFailedRequests(loop)
    assert.equal(await body(), 'version=1.1.0\n')
    assert.ok(loop.bodies.get('version=1.0.0\n')! > 0 && loop.bodies.get('version=1.1.0\n')! > 0, 'the loop saw both versions')
    assert.deepEqual(await runningAppContainers(APP), [result!.json.to.container])
    assert.ok((await allAppContainers(APP)).includes(result!.json.from.container), 'the old container is kept (stopped) for rollback')
    for (const name of ['pull', 'start', 'hooks', 'switch', 'retire'])
      assert.equal(typeof result!.json.timings[name], 'number', `timing ${name}`)
    // Where the run's time went: start-up, then the operation, whose steps fit inside it.
    const {startupMs, totalMs} = result!.json.elapsed
    const steps = Object.values(result!.json.timings as Record<string, number>).reduce((a, b) => a + b, 0)
    assert.ok(startupMs > 0 && totalMs >= startupMs + steps, `elapsed ${JSON.stringify(result!.json.elapsed)} vs steps ${steps} ms`)
    // The hook ran at install (no route yet), then in the new image while the old version still
    // served, and both runs wrote into the same volume.
    assert.equal((await get('/data/migrations.log')).body, `${MIGRATED}`)
  })

  it('an update that fails its preSwitch hook changes nothing and loses no request', async () => {
    const failing = writeRecipe(join(world.home, 'recipes', 'failing'), feed.url, {
      hooks: {
        preSwitch: [{name: 'migrate', run: ['/bin/sh', '-c', 'echo "migration 42 failed: column exists" >&2; exit 3']}],
        postSwitch: [],
      },
    })
    await repointRecipe(failing)
    feed.setFeed(
      feedOf([
        {version: '1.1.0', tag: '1.1.0'},
        {version: '1.2.0', tag: '1.2.0'},
      ]),
    )
    const before = await allAppContainers(APP)
    let result: {code: number; stderr: string} | undefined
    const loop = await underLoad(async () => {
      result = await discode(world, ['update', APP])
    })
    assert.equal(result!.code, 1)
    assert.match(
      result!.stderr,
      /Error: 1\.2\.0 was not deployed: preSwitch hook "migrate" failed \(exit 3\): migration 42 failed: column exists/,
    )
    assert.match(result!.stderr, /1\.1\.0 keeps serving/)
    assertNoFailedRequests(loop)
    assert.equal(await body(), 'version=1.1.0\n')
    assert.deepEqual(await allAppContainers(APP), before, 'no leftover container')
    await repointRecipe(recipeDir)
  })

  it('an update to a release that never becomes healthy fails clearly and keeps serving', async () => {
    feed.setFeed(
      feedOf([
        {version: '1.1.0', tag: '1.1.0'},
        {version: '1.3.0', tag: 'unhealthy'},
        {version: '1.4.0', tag: 'crash'},
      ]),
    )
    const before = await allAppContainers(APP)
    let result: {code: number; stderr: string} | undefined
    const loop = await underLoad(async () => {
      result = await discode(world, ['update', APP, '--to', '1.3.0'])
    })
    assert.equal(result!.code, 1)
    assert.match(
      result!.stderr,
      /Error: 1\.3\.0 was not deployed: kamal-proxy: target failed to become healthy within configured timeout \(6s\)/,
    )
    assertNoFailedRequests(loop)
    assert.equal(await body(), 'version=1.1.0\n')
    assert.deepEqual(await allAppContainers(APP), before, 'no leftover container')

    const crash = await discode(world, ['update', APP, '--to', '1.4.0'])
    assert.equal(crash.code, 1)
    assert.match(crash.stderr, /Error: 1\.4\.0 was not deployed: /)
    assert.match(crash.stderr, /boom: config missing/, "the crashed container's last log lines are shown")
    assert.equal(await body(), 'version=1.1.0\n')
    assert.deepEqual(await allAppContainers(APP), before)
  })

  it('rollback under load: zero failed requests, back to 1.0.0, data kept', async () => {
    let result: {code: number; json: any; stderr: string} | undefined
    const loop = await underLoad(async () => {
      // Code only: the 1.1.0 migration only appended to a log that 1.0.0 reads as well.
      result = await discodeJson(world, ['rollback', APP, '--keep-data'])
    })
    assert.equal(result!.code, 0, result!.stderr)
    assert.equal(result!.json.to.version, '1.0.0')
    assertNoFailedRequests(loop)
    assert.equal(await body(), 'version=1.0.0\n')
    assert.deepEqual(await runningAppContainers(APP), [result!.json.to.container])
    assert.ok((await get('/data/migrations.log')).body.startsWith(MIGRATED), 'the volume kept its data')
  })

  it('status --json shows version, container, health, route and the available update', async () => {
    feed.setFeed(
      feedOf([
        {version: '1.0.0', tag: '1.0.0'},
        {version: '1.1.0', tag: '1.1.0'},
      ]),
    )
    const {code, json} = await discodeJson(world, ['status'])
    assert.equal(code, 0)
    const app = json.apps.find((a: {app: string}) => a.app === APP)
    assert.equal(app.version, '1.0.0')
    assert.equal(app.health, 'serving')
    assert.deepEqual(app.route.hosts, [HOST])
    assert.equal(app.update.available, '1.1.0')
    assert.deepEqual(app.previous, ['1.1.0'])
  })

  it('status asks the proxy again only when its state changed: unchanged costs no exec; a route paused or removed behind its back shows, and update routes it again', async () => {
    const report = async () => (await discodeJson(world, ['status', APP, '--offline'])).json.apps[0]
    /** The commands docker exec-ed in the proxy since `since` (seconds), as Docker's events list them. */
    const proxyExecs = async (since: number) => {
      const events = await docker([
        'events',
        '--since',
        since.toFixed(9),
        '--until',
        (Date.now() / 1000).toFixed(9),
        '--filter',
        `container=${world.proxyContainer}`,
        '--filter',
        'event=exec_create',
        '--format',
        '{{.Action}}',
      ])
      return events.stdout.split('\n').filter(Boolean)
    }
    assert.equal((await report()).health, 'serving')

    let since = Date.now() / 1000
    assert.equal((await report()).health, 'serving')
    assert.deepEqual(await proxyExecs(since), [], 'nothing changed since the last report: no kamal-proxy list')

    await docker(['exec', world.proxyContainer, 'kamal-proxy', 'pause', APP])
    since = Date.now() / 1000
    assert.equal((await report()).health, 'paused')
    assert.deepEqual(await proxyExecs(since), ['exec_create: kamal-proxy list'], 'the state file changed: listed again')
    await docker(['exec', world.proxyContainer, 'kamal-proxy', 'resume', APP])

    await docker(['exec', world.proxyContainer, 'kamal-proxy', 'remove', APP])
    const removed = await discodeJson(world, ['status', APP, '--offline'])
    assert.equal(removed.json.apps[0].health, 'not-routed')
    assert.equal(removed.json.apps[0].route, undefined)
    assert.match(
      removed.stderr,
      new RegExp(`${APP} runs, but the proxy does not route to it: "discode update ${APP} --to 1\\.0\\.0" routes it again`),
    )
    assert.equal((await get()).status, 404)

    // The repair it names: an update to the serving release routes it again.
    const repair = await discode(world, ['update', APP, '--to', '1.0.0'])
    assert.equal(repair.code, 0, repair.stderr)
    assert.match(repair.stdout, /1\.0\.0 is up to date, and routed again/)
    assert.equal((await report()).health, 'serving')
    assert.equal(await body(), 'version=1.0.0\n')
  })

  it('logs shows the serving container; proxy status and logs show the proxy', async () => {
    const logs = await discode(world, ['logs', APP, '--tail', '5'])
    assert.equal(logs.code, 0, logs.stderr)
    // httpd -v logs every request the loops and checks above sent.
    const lines = (logs.stdout + logs.stderr).trim().split('\n')
    assert.equal(lines.length, 5)
    assert.match(lines[4], /response:200/)

    const {code, json} = await discodeJson(world, ['proxy', 'status'])
    assert.equal(code, 0)
    assert.equal(json.running, true)
    const route = json.routes.find((r: {service: string}) => r.service === APP)
    assert.deepEqual(route.hosts, [HOST])
    assert.match(route.targets[0], new RegExp(`^${APP}-[0-9a-f]{12}:80$`))

    const proxyLogs = await discode(world, ['proxy', 'logs', '--tail', '5'])
    assert.equal(proxyLogs.code, 0, proxyLogs.stderr)
    assert.ok((proxyLogs.stdout + proxyLogs.stderr).trim().length > 0, 'the proxy logged something')
  })

  it('proxy reboot recreates the proxy and keeps the routes', async () => {
    const before = (await docker(['inspect', '--format', '{{.Id}}', world.proxyContainer])).stdout.trim()
    const result = await discode(world, ['proxy', 'reboot'])
    assert.equal(result.code, 0, result.stderr)
    const afterId = (await docker(['inspect', '--format', '{{.Id}}', world.proxyContainer])).stdout.trim()
    assert.notEqual(afterId, before, 'the container was recreated')
    assert.equal(await body(), 'version=1.0.0\n')
  })

  it('the proxy container removed behind our back comes back with its routes on the next command', async () => {
    await docker(['rm', '-f', world.proxyContainer])
    const result = await discode(world, ['update', APP, '--to', '1.0.0'])
    assert.equal(result.code, 0, result.stderr)
    assert.equal(await body(), 'version=1.0.0\n')
  })

  it('uninstall removes route and containers, keeps the volume; reinstall finds the data', async () => {
    const result = await discodeJson(world, ['uninstall', APP])
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(await allAppContainers(APP), [])
    assert.equal((await get()).status, 404, 'no route any more')
    assert.deepEqual(result.json.volumes.kept, [`${APP}-data`])

    const again = await discode(world, ['install', APP, '--recipe', recipeDir, '--set', `hostname=${HOST}`, '--version', '1.1.0'])
    assert.equal(again.code, 0, again.stderr)
    assert.ok((await get('/data/migrations.log')).body.startsWith(MIGRATED), 'the reinstall found the data')

    const purge = await discodeJson(world, ['uninstall', APP, '--purge', '--yes'])
    assert.equal(purge.code, 0, purge.stderr)
    assert.deepEqual(purge.json.volumes.removed, [`${APP}-data`])
    const volumes = (await docker(['volume', 'ls', '-q', '--filter', `name=^${APP}-data$`])).stdout.trim()
    assert.equal(volumes, '')
  })

  /** Points the installed app at another recipe directory, as a vendor's plugin update would. */
  async function repointRecipe(dir: string) {
    const {StateStore} = await import('../../src/state/store.js')
    const store = new StateStore(world.home)
    const record = (await store.read(APP))!
    await store.write({...record, recipe: {...record.recipe, dir}})
  }
})
