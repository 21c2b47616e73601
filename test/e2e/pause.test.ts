/**
 * `strategy: pause` end to end, on real parts: kamal-proxy holds the requests while the old container
 * stops and the new one starts, so two versions never run at once and users see a delay, not an
 * error. A failing release goes back to the old container with no failed request. A route left paused
 * across a proxy restart (kamal-proxy then crashes on `resume`) is re-created by the next discode
 * command that meets it.
 */
import assert from 'node:assert/strict'
import {join} from 'node:path'
import {before, describe, it} from 'node:test'

import {allAppContainers, discode, discodeJson, feedOf, runningAppContainers, writeRecipe} from '../support/discode.js'
import {eventually, httpGet, loadDuring} from '../support/http.js'
import {docker} from '../support/images.js'
import {useWorld} from '../support/world.js'

const APP = 'pausy-app'
const HOST = 'pausy.test'
/** Held requests wait for the switch: the client must wait longer than the pause lasts. */
const HELD_TIMEOUT_MS = 45_000

describe('strategy: pause', () => {
  const {world, feed} = useWorld('pausy')
  let recipeDir: string

  const get = (path = '/') => httpGet(`${world.url}${path}`, {host: HOST, timeoutMs: HELD_TIMEOUT_MS})
  const underLoad = (work: () => Promise<void>) => loadDuring(`${world.url}/`, {host: HOST, timeoutMs: HELD_TIMEOUT_MS}, work)
  const proxyList = async () =>
    (await docker(['exec', world.proxyContainer, 'kamal-proxy', 'list'])).stdout.replace(/\u001B\[[0-9;]*m/g, '')
  const routeState = async () =>
    proxyList().then((list) => /\b(running|paused|stopped)\b/.exec(list.split('\n').find((l) => l.startsWith(APP)) ?? '')?.[1])
  const proxyRestarts = async () => Number((await docker(['inspect', '--format', '{{.RestartCount}}', world.proxyContainer])).stdout.trim())

  /** Runs `work` under a request loop whose requests may be held; returns what the loop saw. */

  before(() => {
    recipeDir = writeRecipe(join(world.home, 'recipes', 'paused'), feed.url, {
      strategy: 'pause',
      pause: {maxPause: '40s'},
      // Runs while the route is paused and the old container is stopped: a window the test can see.
      hooks: {
        preSwitch: [{name: 'migrate', run: ['/bin/sh', '-c', 'sleep 2; echo "$APP_VERSION migrated" >> /www/data/migrations.log']}],
        postSwitch: [],
      },
    })
  })

  it('installs like any app', async () => {
    const result = await discode(world, ['install', APP, '--recipe', recipeDir, '--set', `hostname=${HOST}`])
    assert.equal(result.code, 0, result.stderr)
    assert.equal((await get()).body, 'version=1.0.0\n')
  })

  it('an update under load holds requests, never fails one, and answers the held ones with the new version', async () => {
    feed.setFeed(
      feedOf([
        {version: '1.0.0', tag: '1.0.0'},
        {version: '1.1.0', tag: '1.1.0'},
      ]),
    )
    let result: {code: number; json: any; stderr: string} | undefined
    let held: Promise<{status: number; body: string}> | undefined
    const loop = await underLoad(async () => {
      const updating = discodeJson(world, ['update', APP]).then((r) => (result = r))
      // Catch the pause (the preSwitch hook keeps it open for 2 s), then send one request into it.
      let done = false
      updating.then(
        () => (done = true),
        () => (done = true),
      )
      while (!done && !held) {
        if ((await routeState().catch(() => undefined)) === 'paused')
          held = get().catch((error: Error) => ({status: 0, body: error.message}))
        else await new Promise((r) => setTimeout(r, 100))
      }
      await updating
    })
    assert.equal(result!.code, 0, result!.stderr)
    console.log(
      `# pause update: ${loop.total} requests, ${loop.failures} failed, longest ${Math.round(loop.maxLatencyMs)} ms (held while paused)`,
    )
    assert.ok(loop.total > 10, `the request loop sent only ${loop.total} requests`)
    assert.equal(loop.failures, 0, `failed requests: ${loop.failureSamples.join(' | ')}`)
    assert.ok(held, 'the test saw the route paused')
    assert.deepEqual(await held, {status: 200, body: 'version=1.1.0\n'}, 'a request sent while paused is answered by the new version')
    for (const name of ['pause', 'stop', 'start', 'hooks', 'switch', 'resume'])
      assert.equal(typeof result!.json.timings[name], 'number', `timing ${name}`)
    assert.equal(result!.json.timings.retire, undefined, 'the old container was stopped before, not after')
    assert.equal(await routeState(), 'running')
    assert.equal((await get()).body, 'version=1.1.0\n')
    assert.deepEqual(await runningAppContainers(APP), [result!.json.to.container])
    assert.ok((await allAppContainers(APP)).includes(result!.json.from.container), 'the old container is kept (stopped) for rollback')
  })

  it('a failing release goes back to the old container: zero failed requests, route resumed', async () => {
    feed.setFeed(
      feedOf([
        {version: '1.1.0', tag: '1.1.0'},
        {version: '1.3.0', tag: 'unhealthy'},
      ]),
    )
    const before = await allAppContainers(APP)
    const serving = await runningAppContainers(APP)
    let result: {code: number; stderr: string} | undefined
    const loop = await underLoad(async () => {
      result = await discode(world, ['update', APP, '--to', '1.3.0'])
    })
    console.log(`# failed pause update: ${loop.total} requests, ${loop.failures} failed, longest ${Math.round(loop.maxLatencyMs)} ms`)
    assert.equal(result!.code, 1)
    assert.match(
      result!.stderr,
      /Error: 1\.3\.0 was not deployed: kamal-proxy: target failed to become healthy within configured timeout \(6s\)/,
    )
    assert.match(result!.stderr, /1\.1\.0 serves again: requests were held during the attempt, not refused/)
    assert.equal(loop.failures, 0, `failed requests: ${loop.failureSamples.join(' | ')}`)
    assert.equal(await routeState(), 'running')
    assert.equal((await get()).body, 'version=1.1.0\n')
    assert.deepEqual(await runningAppContainers(APP), serving, 'the old container runs again')
    assert.deepEqual(await allAppContainers(APP), before, 'no leftover container')
  })

  it('a rollback holds requests too: the serving container stops before the kept one starts, and no request fails', async () => {
    const [serving] = await runningAppContainers(APP)
    const since = (Date.now() / 1000).toFixed(9)
    let result: {code: number; json: any; stderr: string} | undefined
    const loop = await underLoad(async () => {
      // Code only: the migration only appended to a log the older release reads as well.
      result = await discodeJson(world, ['rollback', APP, '--keep-data'])
    })
    assert.equal(result!.code, 0, result!.stderr)
    console.log(`# pause rollback: ${loop.total} requests, ${loop.failures} failed, longest ${Math.round(loop.maxLatencyMs)} ms`)
    assert.equal(loop.failures, 0, `failed requests: ${loop.failureSamples.join(' | ')}`)
    const kept = result!.json.to.container
    assert.equal(result!.json.to.version, '1.0.0')
    // Docker's own record of the two containers: the serving one died before the kept one started.
    const events = (
      await docker([
        'events',
        '--since',
        since,
        '--until',
        (Date.now() / 1000).toFixed(9),
        '--filter',
        `container=${serving}`,
        '--filter',
        `container=${kept}`,
        '--filter',
        'event=die',
        '--filter',
        'event=start',
        '--format',
        '{{.TimeNano}} {{.Action}} {{.Actor.Attributes.name}}',
      ])
    ).stdout
      .trim()
      .split('\n')
      .map((line) => line.split(' '))
    const died = events.find(([, action, name]) => action === 'die' && name === serving)
    const started = events.find(([, action, name]) => action === 'start' && name === kept)
    assert.ok(died && started, `both events seen: ${JSON.stringify(events)}`)
    assert.ok(BigInt(died[0]) < BigInt(started[0]), `${serving} died before ${kept} started: ${JSON.stringify(events)}`)
    for (const name of ['pause', 'stop', 'start', 'switch', 'resume'])
      assert.equal(typeof result!.json.timings[name], 'number', `timing ${name}`)
    assert.equal(result!.json.timings.retire, undefined, 'the serving container was stopped before, not after')
    assert.equal(await routeState(), 'running')
    assert.equal((await get()).body, 'version=1.0.0\n')
    assert.deepEqual(await runningAppContainers(APP), [kept])

    // And forward again for the tests below.
    const again = await discode(world, ['rollback', APP, '--to', '1.1.0'])
    assert.equal(again.code, 0, again.stderr)
    assert.equal((await get()).body, 'version=1.1.0\n')
  })

  it('a route paused across a proxy restart is re-created by "proxy boot" (resume would crash the proxy)', async () => {
    await docker(['exec', world.proxyContainer, 'kamal-proxy', 'pause', APP])
    await docker(['restart', world.proxyContainer])
    assert.equal(await eventually(routeState), 'paused', 'the proxy restored the pause from its state')
    const restarts = await proxyRestarts()
    const {code, json, stderr} = await discodeJson(world, ['proxy', 'boot'])
    assert.equal(code, 0, stderr)
    assert.deepEqual(json.recovered, [APP])
    assert.equal(await routeState(), 'running')
    assert.equal((await get()).body, 'version=1.1.0\n')
    assert.equal(await proxyRestarts(), restarts, 'the proxy never crashed')
    assert.equal((await docker(['inspect', '--format', '{{.State.Running}}', world.proxyContainer])).stdout.trim(), 'true')
  })

  it('... and by the reconcile step of the next update', async () => {
    feed.setFeed(feedOf([{version: '1.1.0', tag: '1.1.0'}]))
    await docker(['exec', world.proxyContainer, 'kamal-proxy', 'pause', APP])
    await docker(['restart', world.proxyContainer])
    assert.equal(await eventually(routeState), 'paused')
    const restarts = await proxyRestarts()
    const result = await discode(world, ['update', APP])
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stderr, /The route of pausy-app was left paused: re-creating it/)
    assert.equal(await routeState(), 'running')
    assert.equal((await get()).body, 'version=1.1.0\n')
    assert.equal(await proxyRestarts(), restarts, 'the proxy never crashed')
  })

  it('... and by "proxy reboot", which recreates the proxy from its state', async () => {
    await docker(['exec', world.proxyContainer, 'kamal-proxy', 'pause', APP])
    const result = await discodeJson(world, ['proxy', 'reboot'])
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(result.json.recovered, [APP])
    assert.equal(await routeState(), 'running')
    assert.equal((await get()).body, 'version=1.1.0\n')
  })
})
