/**
 * An app across a real 3-node Docker Swarm: three dockerd, each in its own network namespace
 * (test/support/swarm.ts), discode driving the first one as the manager. Images come from a registry
 * the nodes reach at 10.250.0.1:5000; requests go to the proxy on the manager at 10.250.0.11 (a port nothing on this host holds: see cluster-world.ts).
 * Steps build on each other like a customer's cluster: init and join, install 3 replicas (one per
 * node), an update with a migration under load, a rollback, a release that never gets healthy, a
 * worker lost and back, then uninstall.
 */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {buildAndPushAccessoryImages} from '../support/accessory-images.js'
import {walk} from '../support/checks.js'
import {clusterWorld} from '../support/cluster-world.js'
import {buildStandinImage, discode, discodeJson, killAtJournalEntry, STANDIN_IMAGE, type World, writeRecipe} from '../support/discode.js'
import {
  assertNoFailedRequests,
  eventually,
  type FeedServer,
  httpGet,
  loadDuring,
  startFeedServer,
  startRequestLoop,
} from '../support/http.js'
import {signFeed} from '../../src/feed/sign.js'
import {asOlderInstall, containerNetworks, serviceNetworkName, taskAddresses, tryFrom} from '../support/cluster-network.js'
import {buildAndPushTestImages, docker as hostDocker, REPOSITORY} from '../support/images.js'
import {createSwarmStand, type SwarmNode, type SwarmStand} from '../support/swarm.js'

const APP = 'clu-app'
const HOST = 'cluster.test'
const DB_PASSWORD = 'clusterpw'
/** The cluster's shared overlay (the proxy's; every app's before each got its own) and the app's own. */
const SHARED_NET = 'discode-clu-cluster'
const OWN_NET = `${SHARED_NET}-${APP}`

/** An app's line in `cluster status --json`. */
interface ClusterApp {
  running: number
  nodes: Record<string, number>
  reason?: string
  uneven: boolean
}

describe('an app across a 3-node Swarm cluster, blue-green through kamal-proxy', () => {
  let stand: SwarmStand
  let manager: SwarmNode
  let world: World
  let feed: FeedServer
  let recipeDir: string
  let volumeRecipeDir: string
  /** The cluster app's recipe keys (see writeRecipe), kept to write a changed version of it. */
  let clusterRecipe: Record<string, unknown>

  const image = (tag: string) => `${stand.registry}/discode-test/app:${tag}`
  const feedOf = (releases: [string, string][]) => ({
    releases: releases.map(([version, tag]) => ({version, image: image(tag), channel: 'stable'})),
  })
  const get = (path = '/') => httpGet(`${world.url}${path}`, {host: HOST})
  const onManager = (args: string[]) => stand.docker(manager, args)
  const underLoad = (work: () => Promise<void>, options: {timeoutMs?: number; host?: string} = {}) =>
    loadDuring(`${world.url}/`, {host: HOST, ...options}, work)

  /** Which nodes answer `count` requests (each through a new connection to the proxy). */
  async function nodesAnswering(count = 60): Promise<Map<string, number>> {
    const seen = new Map<string, number>()
    for (let i = 0; i < count; i++) {
      const {status, body} = await get('/cgi-bin/node')
      assert.equal(status, 200, body)
      const node = /^node=(.*)\n$/.exec(body)?.[1] ?? `?${body}`
      seen.set(node, (seen.get(node) ?? 0) + 1)
    }
    return seen
  }

  async function services(): Promise<Record<string, string>> {
    const {stdout} = await onManager(['service', 'ls', '--filter', `label=discode.app=${APP}`, '--format', '{{.Name}} {{.Replicas}}'])
    return Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(' ') as [string, string]),
    )
  }

  async function dbValue(key: string): Promise<string> {
    const {stdout} = await onManager([
      'exec',
      `${APP}-db`,
      'wget',
      '-qO-',
      `http://127.0.0.1:7000/cgi-bin/kv?op=get&key=${key}&pw=${DB_PASSWORD}`,
    ])
    return stdout.trim()
  }

  before(async () => {
    await Promise.all([buildAndPushTestImages(), buildAndPushAccessoryImages(), buildStandinImage()])
    stand = await createSwarmStand({nodes: 3})
    manager = stand.nodes[0]
    await stand.loadImage(manager, STANDIN_IMAGE)
    world = await clusterWorld('clu', stand, STANDIN_IMAGE)
    const home = world.home
    feed = await startFeedServer(feedOf([['1.0.0', '1.0.0']]))
    const migrate = 'wget -qO- "http://$DB_HOST:7000/cgi-bin/kv?op=put&key=schema&value=v$(echo $APP_VERSION | tr -d .)&pw=$DB_PASSWORD"'
    clusterRecipe = {
      image: `${stand.registry}/discode-test/app`,
      volumes: [],
      env: {
        APP_HOST: '{{inputs.hostname}}',
        SECRET_KEY_BASE: '{{secrets.secret_key_base}}',
        DB_HOST: '{{accessories.db.host}}',
        DB_PASSWORD,
      },
      hooks: {preSwitch: [{name: 'migrate', run: ['/bin/sh', '-c', migrate]}], postSwitch: []},
      accessories: {
        db: {
          image: `${stand.registry}/discode-test/accessory-db:1`,
          port: 7000,
          env: {DB_PASSWORD},
          volumes: [{name: 'data', path: '/var/lib/db'}],
          health: {cmd: ['/bin/wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:7000/healthz']},
        },
      },
    }
    recipeDir = writeRecipe(join(home, 'recipes', 'clusterapp'), feed.url, clusterRecipe)
    volumeRecipeDir = writeRecipe(join(home, 'recipes', 'withvolume'), feed.url, {image: `${stand.registry}/discode-test/app`})
  })

  after(async () => {
    await feed?.close()
    await stand?.teardown()
    if (world) rmSync(world.home, {recursive: true, force: true})
  })

  it('install --cluster refuses before the engine is in a cluster, and says how', async () => {
    const result = await discode(world, ['install', APP, '--recipe', recipeDir, '--set', `hostname=${HOST}`, '--cluster'])
    assert.equal(result.code, 1)
    assert.match(result.stderr, /Error: This Docker engine is not part of a cluster/)
    assert.match(result.stderr, /discode cluster init/)
  })

  it('cluster init makes the manager, join-command adds the workers, status lists 3 ready nodes', async () => {
    const init = await discodeJson(world, [
      ...['cluster', 'init', '--advertise-addr', manager.address, '--listen-addr', `${manager.address}:2377`],
      ...['--default-addr-pool', '10.251.0.0/16'],
    ])
    assert.equal(init.code, 0, init.stderr)
    assert.equal(init.json.adopted, false)
    assert.equal(init.json.network, 'discode-clu-cluster')
    const again = await discodeJson(world, ['cluster', 'init'])
    assert.equal(again.json.adopted, true, 'a second init adopts the swarm it manages')

    const join = await discodeJson(world, ['cluster', 'join-command'])
    assert.match(join.json.command, new RegExp(`^docker swarm join --token SWMTKN-\\S+ ${manager.address}:2377$`))
    await stand.joinWorkers(join.json.command)
    const nodes = await eventually(async () => {
      const {json} = await discodeJson(world, ['cluster', 'status'])
      return json.nodes.length === 3 && json.nodes.every((n: {state: string}) => n.state === 'ready') ? json.nodes : undefined
    })
    assert.deepEqual(nodes.map((n: {hostname: string}) => n.hostname).sort(), ['swnode1', 'swnode2', 'swnode3'])
  })

  it('refuses several replicas of an app with local volumes, and creates nothing', async () => {
    const result = await discode(world, [
      'install',
      'clu-vol',
      '--recipe',
      volumeRecipeDir,
      '--set',
      `hostname=vol.${HOST}`,
      '--cluster',
      '--replicas',
      '3',
    ])
    assert.equal(result.code, 1)
    assert.match(result.stderr, /keeps data in local volumes \(data\): 3 replicas on several nodes would each write their own copy/)
    assert.match(result.stderr, /Hint: .*--replicas 1/)
    const {stdout} = await onManager(['service', 'ls', '--format', '{{.Name}}'])
    assert.equal(stdout.trim(), '')
  })

  it('install --cluster --replicas 3 serves from a replica on each of the 3 nodes', async () => {
    const {code, json, stderr} = await discodeJson(world, [
      'install',
      APP,
      '--recipe',
      recipeDir,
      '--set',
      `hostname=${HOST}`,
      '--cluster',
      '--replicas',
      '3',
    ])
    assert.equal(code, 0, stderr)
    assert.equal(json.to.version, '1.0.0')
    assert.equal(await dbValue('schema'), 'v100', 'the preSwitch hook ran as a Swarm job and reached the db over the overlay')
    const seen = await nodesAnswering()
    console.log(`requests per node after install: ${JSON.stringify(Object.fromEntries(seen))}`)
    assert.deepEqual([...seen.keys()].sort(), ['swnode1', 'swnode2', 'swnode3'])

    const status = await discodeJson(world, ['status', APP, '--offline'])
    const [app] = status.json.apps
    assert.equal(app.health, 'serving')
    assert.equal(app.cluster.running, 3)
    assert.deepEqual(Object.keys(app.cluster.nodes).sort(), ['swnode1', 'swnode2', 'swnode3'])
    assert.deepEqual(await services(), {[json.to.container]: '3/3'})
  })

  it('air-gapped: with the registry stopped, install --cluster --bundle, then update --bundle under load: 0 failed, on every node', async () => {
    const app = 'clu-bun'
    const host = `bun.${HOST}`
    const vendor = join(world.home, 'vendor')
    const file = (name: string) => join(vendor, name)
    // The vendor's side, on this host's engine (which has the test images by digest): a signed feed of two releases, one bundle.
    assert.equal((await discode(world, ['feed', 'keygen', '--out', vendor])).code, 0)
    const feedKey = readFileSync(file('feed.pub'), 'utf8').trim()
    const pinned = async (tag: string) => {
      const {stdout} = await hostDocker(['inspect', '--format', '{{json .RepoDigests}}', `${REPOSITORY}:${tag}`])
      const digest = (JSON.parse(stdout) as string[]).find((ref) => ref.startsWith(`${REPOSITORY}@`))!.split('@')[1]
      return `${stand.registry}/discode-test/app@${digest}`
    }
    const releases = [
      {version: '1.0.0', image: await pinned('1.0.0'), channel: 'stable'},
      {version: '1.1.0', image: await pinned('1.1.0'), channel: 'stable'},
    ]
    writeFileSync(file('feed.json'), JSON.stringify({releases}))
    signFeed(file('feed.json'), file('feed.key'), {now: new Date()})
    writeRecipe(file('recipe'), `http://${stand.registry}/feed.json`, {image: `${stand.registry}/discode-test/app`, volumes: [], feedKey})
    const vendorWorld = {...world, env: {...world.env, DOCKER_HOST: process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock'}}
    for (const [out, versions] of [
      ['v1.bundle', ['1.0.0']],
      ['v2.bundle', ['1.0.0', '1.1.0']],
    ] as const) {
      const created = await discode(vendorWorld, [
        ...['bundle', 'create', '--recipe', file('recipe'), '--feed', file('feed.json'), '--key', file('feed.key'), '-o', file(out)],
        ...versions.flatMap((version) => ['--release', version]),
      ])
      assert.equal(created.code, 0, created.stderr)
    }
    const newId = (await hostDocker(['inspect', '--format', '{{.Id}}', `${REPOSITORY}:1.1.0`])).stdout.trim()
    const onWorker = (node: SwarmNode) =>
      stand.docker(node, ['image', 'inspect', '--format', '{{.Id}}', newId]).then(
        () => true,
        () => false,
      )

    const workers = stand.nodes.slice(1).flatMap((node) => ['--node-docker', node.dockerHost])
    const bunGet = () => httpGet(`${world.url}/`, {host})
    await stand.stopRegistry()
    try {
      const installed = await discode(world, [
        ...['install', app, '--bundle', file('v1.bundle'), '--key', feedKey, '--set', `hostname=${host}`],
        ...['--cluster', '--replicas', '3', ...workers],
      ])
      assert.equal(installed.code, 0, installed.stderr)
      assert.match(installed.stderr, /loaded into each node's Docker \(the manager, swnode2, swnode3\): no registry/)
      assert.equal((await bunGet()).body, 'version=1.0.0\n')

      const unreached = await discode(world, ['update', app, '--bundle', file('v2.bundle')])
      assert.equal(unreached.code, 1, unreached.stdout)
      assert.match(unreached.stderr, /no --node-docker reaches swnode2 \(10\.250\.0\.12\), swnode3/)
      assert.match(unreached.stderr, /Nothing was loaded/)
      assert.deepEqual(await Promise.all(stand.nodes.slice(1).map(onWorker)), [false, false], 'nothing was loaded on the workers')

      let updated: {to: {version: string; container: string}} | undefined
      const loop = await underLoad(
        async () => {
          const result = await discodeJson(world, ['update', app, '--bundle', file('v2.bundle'), ...workers])
          assert.equal(result.code, 0, result.stderr)
          assert.deepEqual(result.json.bundleImagesLoadedOn, {loaded: ['swnode2', 'swnode3'], down: []})
          updated = result.json
        },
        {host},
      )
      assertNoFailedRequests(loop)
      assert.equal(updated!.to.version, '1.1.0')
      assert.deepEqual(await Promise.all(stand.nodes.slice(1).map(onWorker)), [true, true], 'loaded on the workers')
      const {stdout: ref} = await onManager([
        'service',
        'inspect',
        '--format',
        '{{.Spec.TaskTemplate.ContainerSpec.Image}}',
        updated!.to.container,
      ])
      assert.match(ref.trim(), /^sha256:[0-9a-f]{64}$/, 'the replicas run the loaded image by its id: no node pulls')
      const seen = new Set<string>()
      for (let i = 0; i < 40; i++) seen.add((await httpGet(`${world.url}/cgi-bin/node`, {host})).body.trim())
      assert.deepEqual([...seen].sort(), ['node=swnode1', 'node=swnode2', 'node=swnode3'])
      assert.equal((await bunGet()).body, 'version=1.1.0\n')
    } finally {
      await stand.startRegistry()
    }
    assert.equal((await discode(world, ['uninstall', app, '--yes'])).code, 0)
  })

  it('support-bundle shows the replicas per node and every task, without the secret given to them', async () => {
    const file = join(world.home, 'bundle.tar.gz')
    const made = await discodeJson(world, ['support-bundle', APP, '-o', file])
    assert.equal(made.code, 0, made.stderr)
    const out = mkdtempSync(join(tmpdir(), 'discode-cluster-bundle-'))
    try {
      const untar = spawnSync('tar', ['-xzf', file, '-C', out])
      assert.equal(untar.status, 0, String(untar.stderr))
      const files = walk(out).filter((f) => !f.dir)
      const inBundle = (suffix: string) => files.find((f) => f.path.endsWith(suffix))?.path
      const clusterFile = inBundle(`apps/${APP}/cluster.json`)
      const problem = inBundle(`apps/${APP}/cluster-error.txt`)
      assert.ok(clusterFile, problem ? readFileSync(problem, 'utf8') : `no cluster.json in ${files.map((f) => f.path).join(' ')}`)
      const cluster = JSON.parse(readFileSync(clusterFile, 'utf8'))
      assert.equal(cluster.replicas.running, 3)
      assert.deepEqual(
        cluster.tasks
          .filter((t: {state: string}) => t.state === 'running')
          .map((t: {node: string}) => t.node)
          .sort(),
        ['swnode1', 'swnode2', 'swnode3'],
      )
      const secret = JSON.parse(readFileSync(join(world.home, 'apps', APP, 'secrets.json'), 'utf8')).generated.secret_key_base
      assert.ok(secret, 'a generated secret to look for')
      const leaks = spawnSync('grep', ['-rl', secret, out], {encoding: 'utf8'}).stdout.trim()
      assert.equal(leaks, '', 'the secret is in no file of the bundle')
    } finally {
      rmSync(out, {recursive: true, force: true})
    }
  })

  it('as an older discode installed it: the app and its db on the shared overlay, no overlay of its own', async () => {
    const [service] = Object.keys(await services())
    const app = {name: APP, service, accessories: [`${APP}-db`], shared: SHARED_NET, own: OWN_NET, proxy: world.proxyContainer}
    await asOlderInstall(world, onManager, app)
    assert.equal(await serviceNetworkName(onManager, service), SHARED_NET)
    assert.equal((await eventually(async () => ((await get()).status === 200 ? get() : undefined))).body, 'version=1.0.0\n')
    const {json} = await discodeJson(world, ['cluster', 'status'])
    assert.equal(json.apps[0].network.shared, true, JSON.stringify(json.apps[0].network))
  })

  it('an update with a migration hook under a request loop: 0 failed, the old service kept at 0 replicas', async () => {
    feed.setFeed(
      feedOf([
        ['1.0.0', '1.0.0'],
        ['1.1.0', '1.1.0'],
      ]),
    )
    let json: {from: {container: string}; to: {container: string; version: string}} | undefined
    const loop = await underLoad(async () => {
      const result = await discodeJson(world, ['update', APP, '--no-snapshot'])
      assert.equal(result.code, 0, result.stderr)
      json = result.json
    })
    assertNoFailedRequests(loop)
    assert.equal(json!.to.version, '1.1.0')
    assert.equal((await get()).body, 'version=1.1.0\n')
    assert.equal(await dbValue('schema'), 'v110')
    assert.deepEqual(await services(), {[json!.to.container]: '3/3', [json!.from.container]: '0/0'})
  })

  it('that update moved the app onto its own overlay: a task of another network reaches neither its service nor its db', async () => {
    const listed = await services()
    const current = Object.keys(listed).find((name) => listed[name] === '3/3')!
    const old = Object.keys(listed).find((name) => name !== current)!
    assert.equal(await serviceNetworkName(onManager, current), OWN_NET)
    assert.equal(await serviceNetworkName(onManager, old), OWN_NET, 'the kept release moved too, for a rollback')
    assert.deepEqual(await containerNetworks(onManager, `${APP}-db`), [OWN_NET])
    const addresses = await taskAddresses(onManager, current)
    assert.equal(addresses.length, 3)
    const targets = [`${APP}-db:7000/healthz`, `${current}:80/`, ...addresses.map((a) => `${a}:80/`), `${world.proxyContainer}:80/`]
    // From the shared overlay, where every app was before: only the proxy (the control) is there now.
    const seen = await tryFrom(stand, manager, SHARED_NET, targets)
    assert.deepEqual(seen, {...Object.fromEntries(targets.map((t) => [t, 'BLOCKED'])), [`${world.proxyContainer}:80/`]: 'REACHED'})
    assert.equal((await get()).body, 'version=1.1.0\n', 'the proxy still serves it')
    const {json} = await discodeJson(world, ['cluster', 'status'])
    const {network} = json.apps[0]
    console.log(`the app's overlay: ${network.note}`)
    assert.equal(network.name, OWN_NET)
    assert.equal(network.shared, false)
    if (!network.encrypted) assert.match(network.note, /unencrypted, because no answer between two nodes over an encrypted overlay/)
  })

  it('rollback scales the kept service back up first, then switches: 0 failed', async () => {
    const before = await services()
    const loop = await underLoad(async () => {
      const result = await discodeJson(world, ['rollback', APP])
      assert.equal(result.code, 0, result.stderr)
      assert.equal(result.json.to.version, '1.0.0')
    })
    assertNoFailedRequests(loop)
    assert.equal((await get()).body, 'version=1.0.0\n')
    const after = await services()
    assert.deepEqual(Object.values(after).sort(), ['0/0', '3/3'])
    assert.deepEqual(Object.keys(after).sort(), Object.keys(before).sort(), 'the same two services, swapped')
  })

  it('a release that never gets healthy: exit 1, the old service untouched and serving, no leftover service', async () => {
    feed.setFeed(
      feedOf([
        ['1.0.0', '1.0.0'],
        ['1.1.0', '1.1.0'],
        ['1.2.0', 'unhealthy'],
      ]),
    )
    const before = await services()
    const loop = await underLoad(async () => {
      const result = await discode(world, ['update', APP, '--no-snapshot'])
      assert.equal(result.code, 1, result.stdout)
      assert.match(result.stderr, /Error: 1\.2\.0 was not deployed: .*healthy/)
      assert.match(result.stderr, /1\.0\.0 keeps serving; nothing was changed/)
    })
    assertNoFailedRequests(loop)
    assert.deepEqual(await services(), before)
    assert.equal((await get()).body, 'version=1.0.0\n')
  })

  it('a release whose replicas crash at start: exit 1 with its log lines, the old service serving, no leftover service', async () => {
    feed.setFeed(
      feedOf([
        ['1.0.0', '1.0.0'],
        ['1.1.0', '1.1.0'],
        ['1.2.0', 'crash'],
      ]),
    )
    const before = await services()
    const loop = await underLoad(async () => {
      const result = await discode(world, ['update', APP, '--no-snapshot'])
      assert.equal(result.code, 1, result.stdout)
      assert.match(result.stderr, /Error: 1\.2\.0 was not deployed: clu-app-\w+ could not start its replicas/)
      assert.match(result.stderr, /1\.0\.0 keeps serving; nothing was changed/)
      assert.match(result.stderr, /\| boom: config missing/)
    })
    assertNoFailedRequests(loop)
    assert.deepEqual(await services(), before)
  })

  it('a newer recipe that adds a volume is refused for 3 replicas before anything changes', async () => {
    const before = await services()
    writeRecipe(recipeDir, feed.url, {...clusterRecipe, volumes: [{name: 'uploads', path: '/www/data'}]})
    try {
      const result = await discode(world, ['update', APP, '--no-snapshot'])
      assert.equal(result.code, 1, result.stdout)
      assert.match(result.stderr, /keeps data in local volumes \(uploads\)/)
      assert.match(result.stderr, /keeps serving; nothing was changed/)
    } finally {
      writeRecipe(recipeDir, feed.url, clusterRecipe)
    }
    assert.deepEqual(await services(), before)
    assert.equal((await get()).body, 'version=1.0.0\n')
  })

  /** The app's line in `cluster status` and the node's, once `ready(node, app)` holds. */
  async function clusterStatusWhen(nodeName: string, ready: (node: {state: string}, app: ClusterApp) => boolean, timeoutMs = 90_000) {
    return eventually(
      async () => {
        const {json} = await discodeJson(world, ['cluster', 'status'])
        const node = json.nodes.find((n: {hostname: string}) => n.hostname === nodeName)
        const app = json.apps.find((a: {app: string}) => a.app === APP)
        return node && app && ready(node, app) ? app : undefined
      },
      {timeoutMs, intervalMs: 1000},
    )
  }

  it('a worker lost under load: the others keep serving; back, its replica is placed on it again', async () => {
    const worker = stand.nodes[2]
    const started = Date.now()
    let noticedMs = 0
    // A connection to the lost node's replica hangs until Swarm drops it: such a request fails after 10 s.
    const lost = await underLoad(
      async () => {
        await stand.stopDaemon(worker)
        await clusterStatusWhen(worker.name, (node, a) => node.state === 'down' && !a.nodes[worker.name])
        noticedMs = Date.now() - started
        // Each node runs its share at most: the lost node's replica waits for room instead of doubling up.
        const app = await clusterStatusWhen(worker.name, (_, a) => /max replicas per node/.test(a.reason ?? ''), 30_000)
        assert.equal(app.running, 2)
      },
      {timeoutMs: 10_000},
    )
    console.log(
      `worker lost: ${lost.failures} of ${lost.total} requests failed (${lost.failureSamples.slice(0, 3).join(' | ')}); ` +
        `Swarm had the node down and its replica off it after ${(noticedMs / 1000).toFixed(1)} s`,
    )
    assert.ok(lost.total - lost.failures > 20, 'the app kept serving from the other nodes')
    assertNoFailedRequests(await underLoad(() => new Promise((r) => setTimeout(r, 3000))))

    const back = await underLoad(async () => {
      await stand.startDaemon(worker)
      await clusterStatusWhen(worker.name, (node, a) => node.state === 'ready' && a.running === 3 && a.nodes[worker.name] === 1, 60_000)
    })
    assertNoFailedRequests(back)
    assert.deepEqual([...(await nodesAnswering()).keys()].sort(), ['swnode1', 'swnode2', 'swnode3'])
  })

  it('an update while a node is down fits on the others; once it is back, rebalance spreads it: 0 failed', async () => {
    const worker = stand.nodes[2]
    await stand.stopDaemon(worker)
    await clusterStatusWhen(worker.name, (node) => node.state === 'down')
    feed.setFeed(
      feedOf([
        ['1.0.0', '1.0.0'],
        ['1.1.0', '1.1.0'],
        ['1.2.0', '1.2.0'],
      ]),
    )
    assertNoFailedRequests(
      await underLoad(async () => {
        const result = await discodeJson(world, ['update', APP, '--no-snapshot'])
        assert.equal(result.code, 0, result.stderr)
        assert.equal(result.json.to.version, '1.2.0')
      }),
    )
    await stand.startDaemon(worker)
    const uneven = await clusterStatusWhen(worker.name, (node) => node.state === 'ready')
    assert.equal(uneven.uneven, true, `tasks do not move back on their own: ${JSON.stringify(uneven.nodes)}`)
    assertNoFailedRequests(
      await underLoad(async () => {
        const result = await discodeJson(world, ['cluster', 'rebalance', APP])
        assert.equal(result.code, 0, result.stderr)
        assert.equal(result.json.moved, true)
      }),
    )
    assert.deepEqual([...(await nodesAnswering()).keys()].sort(), ['swnode1', 'swnode2', 'swnode3'])
    const again = await discodeJson(world, ['cluster', 'rebalance', APP])
    assert.equal(again.json.moved, false, 'an even spread is left alone')
  })

  it('an update killed (SIGKILL) before and after its switch: the next command repairs the cluster, 0 failed', async () => {
    const loop = startRequestLoop(`${world.url}/`, {host: HOST, concurrency: 4})
    const boundaries: [version: string, event: 'start' | 'done', step: string][] = [
      ['1.3.0', 'done', 'start'],
      ['1.4.0', 'done', 'switch'],
    ]
    for (const [version, event, step] of boundaries) {
      feed.setFeed(
        feedOf([
          ['1.2.0', '1.2.0'],
          [version, '1.1.0'],
        ]),
      )
      const {killed} = await killAtJournalEntry(world, APP, ['update', APP, '--no-snapshot'], event, step)
      assert.ok(killed, `killed at ${event} ${step}`)
      // A report repairs an interrupted operation first, as the next update would.
      const status = await discodeJson(world, ['status', APP, '--offline'])
      assert.equal(status.code, 0, status.stderr)
      const [app] = status.json.apps
      const record = JSON.parse(readFileSync(join(world.home, 'apps', APP, 'app.json'), 'utf8'))
      const expected = step === 'switch' ? version : '1.2.0'
      assert.equal(app.version, expected, `after a kill at ${event} ${step}, the record follows the proxy`)
      assert.equal(app.health, 'serving')
      const running = Object.entries(await services()).filter(([, replicas]) => replicas !== '0/0')
      assert.deepEqual(running, [[record.current.container, '3/3']], `after ${event} ${step}: only the current release runs`)
      const known = new Set([record.current.container, ...record.previous.map((r: {container: string}) => r.container)])
      for (const name of Object.keys(await services())) assert.ok(known.has(name), `after ${event} ${step}: leftover service ${name}`)
    }
    assertNoFailedRequests(await loop.stop())
  })

  it('an update moves a worker process (a service of 2 replicas) under a request loop: 0 failed, only the new tasks run', async () => {
    const worker = {
      command: ['/bin/sh', '-c', "echo worker $APP_VERSION on $DISCODE_NODE; trap 'exit 0' TERM; while :; do sleep 1; done"],
      replicas: 2,
      stop: {signal: 'SIGTERM', timeout: '5s'},
      health: {settle: '1s'},
    }
    writeRecipe(recipeDir, feed.url, {...clusterRecipe, processes: {worker}})
    feed.setFeed(feedOf([['1.5.0', '1.2.0']]))
    const added = await discodeJson(world, ['update', APP, '--no-snapshot'])
    assert.equal(added.code, 0, added.stderr)
    feed.setFeed(feedOf([['1.6.0', '1.1.0']]))
    let json: {from: {container: string}; to: {container: string}} | undefined
    const loop = await underLoad(async () => {
      const result = await discodeJson(world, ['update', APP, '--no-snapshot'])
      assert.equal(result.code, 0, result.stderr)
      json = result.json
    })
    assertNoFailedRequests(loop)
    const [next, old] = [`${json!.to.container}-worker`, `${json!.from.container}-worker`]
    const all = await services()
    assert.equal(all[next], '2/2')
    assert.equal(all[old], '0/0', 'the old worker service is kept at 0 for a rollback')
    const tasks = async (service: string) =>
      (await onManager(['service', 'ps', service, '--filter', 'desired-state=running', '--format', '{{.CurrentState}}'])).stdout
        .split('\n')
        .filter((line) => line.startsWith('Running'))
    assert.equal((await tasks(next)).length, 2, 'exactly the 2 declared worker tasks of the new release run')
    assert.deepEqual(await tasks(old), [], 'no worker task of the old release runs')
    const [app] = (await discodeJson(world, ['status', APP, '--offline'])).json.apps
    assert.deepEqual(
      app.processes.map((p: {name: string; wanted: number; running: number}) => [p.name, p.wanted, p.running]),
      [['worker', 2, 2]],
    )
    assert.deepEqual(app.processes[0].stop, {signal: 'SIGTERM', source: 'recipe', timeout: 5}, "from the worker service's spec")
    const logs = await discode(world, ['logs', APP, '--process', 'worker', '--tail', '5'])
    assert.equal(logs.code, 0, logs.stderr)
    assert.match(logs.stdout + logs.stderr, /worker 1\.1\.0 on swnode\d/)
  })

  it('uninstall removes every service of the app', async () => {
    const result = await discode(world, ['uninstall', APP, '--yes'])
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual(await services(), {}, 'the release and process services')
  })
})
