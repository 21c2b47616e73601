/**
 * A host where another tool (Kamal, here played by `docker run` and the proxy's own CLI, as Kamal
 * runs them) already has a kamal-proxy on its own network, serving its own service. discode shares
 * that proxy: it attaches it to its network, deploys into it, never reboots or removes it, and never
 * touches the other service's route. Real dockerd, the kamal-proxy stand-in, HTTP through the proxy.
 */
import assert from 'node:assert/strict'
import {join} from 'node:path'
import {before, describe, it} from 'node:test'

import {destroyWorld, discode, discodeJson, feedOf, STANDIN_IMAGE, writeRecipe} from '../support/discode.js'
import {eventually, httpGet, type LoopResult, startRequestLoop} from '../support/http.js'
import {docker, REPOSITORY} from '../support/images.js'
import {useWorld} from '../support/world.js'

const APP = 'shared-shop'
const HOST = 'shop.test'
const OTHER_HOST = 'blog.test'
/** The other tool's service, named as Kamal names them (<service>-<role>-<destination>). */
const OTHER_SERVICE = 'blog-web-production'
const STATE_DIR = '/home/kamal-proxy/.config/kamal-proxy'

describe('sharing a kamal-proxy that another tool created', () => {
  const {world, feed, cleanup} = useWorld('shared')
  let recipeDir: string
  let otherNetwork: string
  let otherContainer: string
  let proxyId: string

  const get = (host: string, path = '/') => httpGet(`${world.url}${path}`, {host})
  const inspectProxy = async (format: string) => (await docker(['inspect', '--format', format, world.proxyContainer])).stdout.trim()

  /** The proxy as Kamal runs it: its own network, a named state volume, published port, no discode label. */
  async function runForeignProxy(): Promise<string> {
    const {stdout} = await docker([
      'run',
      '--detach',
      '--name',
      world.proxyContainer,
      '--network',
      otherNetwork,
      '--restart',
      'unless-stopped',
      '--volume',
      `${world.proxyContainer}-config:${STATE_DIR}`,
      '--publish',
      `127.0.0.1:${world.httpPort}:80`,
      STANDIN_IMAGE,
    ])
    await eventually(async () => (await docker(['exec', world.proxyContainer, 'kamal-proxy', 'list'])).stdout !== undefined)
    return stdout.trim()
  }

  async function cleanUp() {
    await docker(['rm', '-f', otherContainer]).catch(() => {})
    await destroyWorld(world, {keepHome: true})
    await docker(['network', 'rm', otherNetwork]).catch(() => {})
  }

  function assertNoFailures(result: LoopResult, what: string) {
    assert.ok(result.total > 10, `the ${what} loop sent only ${result.total} requests`)
    assert.equal(result.failures, 0, `failed ${what} requests: ${result.failureSamples.join(' | ')}`)
  }

  before(async () => {
    otherNetwork = `${world.network}-kamal`
    otherContainer = `${world.network}-blog-web-1`
    await cleanUp()
    cleanup(cleanUp)
    await docker(['network', 'create', otherNetwork])
    await docker(['pull', `${REPOSITORY}:1.2.0`])
    await docker(['run', '--detach', '--name', otherContainer, '--network', otherNetwork, `${REPOSITORY}:1.2.0`])
    proxyId = await runForeignProxy()
    // Deployed with the proxy's own CLI, as Kamal does.
    await docker([
      'exec',
      world.proxyContainer,
      'kamal-proxy',
      'deploy',
      OTHER_SERVICE,
      `--target=${otherContainer}:80`,
      `--host=${OTHER_HOST}`,
    ])
    assert.deepEqual(await get(OTHER_HOST), {status: 200, body: 'version=1.2.0\n'})
    recipeDir = writeRecipe(join(world.home, 'recipes', 'testapp'), feed.url)
  })

  it('install attaches the proxy to its network (saying so once) and both services answer on the same port', async () => {
    const result = await discode(world, ['install', APP, '--recipe', recipeDir, '--set', `hostname=${HOST}`])
    assert.equal(result.code, 0, result.stderr)
    const attached = result.stderr.match(/Attached the proxy .* to network discode-test-shared\b/g) ?? []
    assert.equal(attached.length, 1, result.stderr)
    assert.match(result.stderr, /a shared proxy, created by another tool/)
    assert.deepEqual(await get(HOST), {status: 200, body: 'version=1.0.0\n'})
    assert.deepEqual(await get(OTHER_HOST), {status: 200, body: 'version=1.2.0\n'})
    // Shared, not taken over: the same container, still without discode's label, on both networks.
    assert.equal(await inspectProxy('{{.Id}}'), proxyId)
    assert.equal(await inspectProxy('{{index .Config.Labels "discode.proxy"}}'), '')
    const networks = Object.keys(JSON.parse(await inspectProxy('{{json .NetworkSettings.Networks}}')) as object)
    assert.deepEqual(networks.sort(), [world.network, `${world.network}.${APP}`, otherNetwork].sort(), "and the app's own network")
  })

  it("proxy status and status say the proxy is shared; the other route is not discode's", async () => {
    const {code, json} = await discodeJson(world, ['proxy', 'status'])
    assert.equal(code, 0)
    assert.equal(json.ownership.owned, false)
    assert.equal(json.onNetwork, true)
    const routes = Object.fromEntries(json.routes.map((r: {service: string; discode: boolean}) => [r.service, r.discode]))
    assert.deepEqual(routes, {[APP]: true, [OTHER_SERVICE]: false})
    const text = await discode(world, ['proxy', 'status'])
    assert.match(text.stdout, /shared \(created by someone else: another tool/)
    const status = await discode(world, ['status', '--offline'])
    assert.equal(status.code, 0, status.stderr)
    assert.match(status.stderr, /shared \(created by someone else/)
    assert.match(status.stdout, new RegExp(`${APP}\\s+1\\.0\\.0\\s+\\S+\\s+serving`))
  })

  it('an update under load fails no request of either service', async () => {
    feed.setFeed(
      feedOf([
        {version: '1.0.0', tag: '1.0.0'},
        {version: '1.1.0', tag: '1.1.0'},
      ]),
    )
    const ours = startRequestLoop(`${world.url}/`, {host: HOST, concurrency: 3})
    const theirs = startRequestLoop(`${world.url}/`, {host: OTHER_HOST, concurrency: 2})
    let result: {code: number; stderr: string} | undefined
    try {
      result = await discode(world, ['update', APP])
    } finally {
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
    const [mine, other] = await Promise.all([ours.stop(), theirs.stop()])
    assert.equal(result!.code, 0, result!.stderr)
    assert.doesNotMatch(result!.stderr, /Attached the proxy/, 'already attached: nothing to say')
    assertNoFailures(mine, APP)
    assertNoFailures(other, OTHER_SERVICE)
    assert.deepEqual([...other.bodies.keys()], ['version=1.2.0\n'])
    assert.deepEqual(await get(HOST), {status: 200, body: 'version=1.1.0\n'})
  })

  it('proxy reboot and proxy remove refuse a proxy discode did not create, naming who did', async () => {
    for (const action of ['reboot', 'remove']) {
      const result = await discode(world, ['proxy', action])
      assert.equal(result.code, 1, `${action}: ${result.stdout}`)
      assert.match(
        result.stderr,
        new RegExp(
          `Error: The proxy ${world.proxyContainer} was created by another tool \\(no discode.proxy label; networks: .*${otherNetwork}.*\\), not by discode: discode shares it and does not ${action} it`,
        ),
      )
      assert.match(result.stderr, new RegExp(`Hint: .*discode proxy ${action} --force`))
    }
    assert.equal(await inspectProxy('{{.Id}}'), proxyId)
    assert.deepEqual(await get(OTHER_HOST), {status: 200, body: 'version=1.2.0\n'})
  })

  it('install refuses an app named like a service of the other tool, and leaves that route alone', async () => {
    const result = await discode(world, ['install', OTHER_SERVICE, '--recipe', recipeDir, '--set', `hostname=other.${HOST}`])
    assert.equal(result.code, 1)
    assert.match(result.stderr, new RegExp(`already has a service "${OTHER_SERVICE}" that discode did not create`))
    assert.deepEqual(await get(OTHER_HOST), {status: 200, body: 'version=1.2.0\n'})
  })

  it("the proxy re-created without discode's network: status says so, the next update brings the app back", async () => {
    // What `kamal proxy reboot` does: a new container, same name and state volume, Kamal's network only.
    await docker(['rm', '-f', world.proxyContainer])
    proxyId = await runForeignProxy()
    assert.deepEqual(await get(OTHER_HOST), {status: 200, body: 'version=1.2.0\n'})
    assert.equal((await get(HOST)).status, 502, 'the proxy kept the route but cannot reach the app')

    const status = await discodeJson(world, ['status', '--offline'])
    assert.equal(status.code, 0)
    assert.equal(status.json.apps[0].health, 'proxy-off-network')
    assert.match(
      status.stderr,
      new RegExp(`Warning: The proxy ${world.proxyContainer} is not on the network of ${APP}, so it cannot reach it`),
    )

    const update = await discode(world, ['update', APP])
    assert.equal(update.code, 0, update.stderr)
    assert.match(update.stderr, /Attached the proxy/)
    assert.deepEqual(await get(HOST), {status: 200, body: 'version=1.1.0\n'})
    assert.deepEqual(await get(OTHER_HOST), {status: 200, body: 'version=1.2.0\n'})
    assert.equal(await inspectProxy('{{.Id}}'), proxyId, 'attached, not re-created')
  })

  it("an unhealthy release's error names the proxy's reason: a 404 from the health path", async () => {
    feed.setFeed(
      feedOf([
        {version: '1.1.0', tag: '1.1.0'},
        {version: '1.3.0', tag: 'unhealthy'},
      ]),
    )
    const result = await discode(world, ['update', APP, '--to', '1.3.0'])
    assert.equal(result.code, 1)
    assert.match(
      result.stderr,
      /Error: 1\.3\.0 was not deployed: kamal-proxy: target failed to become healthy within configured timeout \(6s\): the health check GET \/up answered 404/,
    )
    assert.match(result.stderr, /the proxy logged: Unexpected status \(404\)/)
    assert.deepEqual(await get(HOST), {status: 200, body: 'version=1.1.0\n'})
    assert.deepEqual(await get(OTHER_HOST), {status: 200, body: 'version=1.2.0\n'})
  })

  it('... and a connection refused on a wrong port', async () => {
    const wrongPort = writeRecipe(join(world.home, 'recipes', 'wrong-port'), feed.url, {port: 81})
    const result = await discode(world, [
      'install',
      `${APP}-port`,
      '--recipe',
      wrongPort,
      '--set',
      `hostname=port.${HOST}`,
      '--version',
      '1.1.0',
    ])
    assert.equal(result.code, 1)
    assert.match(
      result.stderr,
      /failed to become healthy within configured timeout \(6s\): connection refused on port 81 of shared-shop-port-[0-9a-f]{12}/,
    )
    assert.match(result.stderr, /Nothing listens on port 81 in the container: check the recipe's port/)
    assert.deepEqual(await get(OTHER_HOST), {status: 200, body: 'version=1.2.0\n'})
  })

  it('uninstall removes only its own route: the other service keeps serving', async () => {
    const result = await discode(world, ['uninstall', APP])
    assert.equal(result.code, 0, result.stderr)
    assert.equal((await get(HOST)).status, 404)
    assert.deepEqual(await get(OTHER_HOST), {status: 200, body: 'version=1.2.0\n'})
    const {json} = await discodeJson(world, ['proxy', 'status'])
    assert.deepEqual(
      json.routes.map((r: {service: string}) => r.service),
      [OTHER_SERVICE],
    )
    assert.equal(await inspectProxy('{{.Id}}'), proxyId)
  })

  it('proxy remove --force takes it down but keeps volume and network; a proxy discode boots is its own, and --purge removes it all', async () => {
    const removed = await discode(world, ['proxy', 'remove', '--force'])
    assert.equal(removed.code, 0, removed.stderr)
    assert.match(
      removed.stdout,
      new RegExp(`Kept volume ${world.proxyContainer}-config .* and network ${world.network}; --purge removes them`),
    )

    const boot = await discodeJson(world, ['proxy', 'boot'])
    assert.equal(boot.code, 0, boot.stderr)
    assert.equal(boot.json.ownership.owned, true)
    // The state volume brought the other tool's route back too: discode does not drop it.
    assert.ok(boot.json.routes.some((r: {service: string}) => r.service === OTHER_SERVICE))

    const purged = await discode(world, ['proxy', 'remove', '--purge'])
    assert.equal(purged.code, 0, purged.stderr)
    assert.match(purged.stdout, new RegExp(`Removed volume ${world.proxyContainer}-config`))
    assert.match(purged.stdout, new RegExp(`Removed network ${world.network}`))
    await assert.rejects(docker(['volume', 'inspect', `${world.proxyContainer}-config`]))
    await assert.rejects(docker(['network', 'inspect', world.network]))
  })
})
