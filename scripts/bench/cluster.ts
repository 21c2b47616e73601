/**
 * The cluster phase of `npm run bench`: the bench's keep-alive app installed with `--cluster --replicas 3`
 * on a 3-node Swarm stand (test/support/swarm.ts: three dockerd, each in its own network namespace, on
 * this machine), and the same switches under the same load as on one host, through the proxy on the
 * manager (10.250.0.11, on a port free on this host), which reaches the replicas over the cluster's VXLAN overlay.
 *
 * The stand is set up and torn down inside the phase; `onCleanup` hands its teardown to the bench's
 * cleanup too, for a failure or Ctrl-C in between. Traffic goes only to 127.0.0.1 (the feed) and to the
 * stand's 10.250.0.0/24.
 */
import {rmSync} from 'node:fs'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {type World, writeRecipe} from '../../test/support/discode.js'
import {type FeedServer, httpGet, startFeedServer} from '../../test/support/http.js'
import {KEEPALIVE_REPOSITORY, KEEPALIVE_TAGS} from '../../test/support/keepalive-images.js'
import {clusterWorld} from '../../test/support/cluster-world.js'
import {createSwarmStand, type SwarmStand} from '../../test/support/swarm.js'
import {timedDiscodeJson} from './cli.js'
import {cpuMark, cpuUse, type CpuUse} from './cpu.js'
import type {Load} from './load.js'
import {listenOverflows, runningTaskContainers} from './netstat.js'
import {firstLine, type Reporting, switchesUnderLoad} from './switches.js'
import type {ClusterReport} from './types.js'

const NODES = 3
const REPLICAS = 3
const HOST = 'cluster.bench.test'

export interface ClusterPhase extends Reporting {
  /** The bench's world name: the cluster world's names derive from it. */
  name: string
  /** The proxy image of the run (loaded into the manager, so both rows go through the same proxy). */
  proxyImage: string
  say(line: string): void
  track(load: Load): void
  /** Hands the phase's teardown to the bench's cleanup (failure, Ctrl-C, hard limit). */
  onCleanup(teardown: () => Promise<void>): void
}

/** `127.0.0.1:5000/discode-test/keepalive-app` as the stand's nodes pull it: `10.250.0.1:5000/...`. */
export function standRepository(repository: string, standRegistry: string): string {
  return `${standRegistry}${repository.slice(repository.indexOf('/'))}`
}

/** Replicas per node of one app in `cluster status --json`; empty when the app is not listed. */
export function placementOf(status: {apps?: {app: string; nodes?: Record<string, number>}[]} | undefined, app: string) {
  return status?.apps?.find((a) => a.app === app)?.nodes ?? {}
}

/** discode's command, failing the phase with its first error line. */
async function must(world: World, args: string[]) {
  const result = await timedDiscodeJson(world, args)
  if (result.code !== 0) throw new Error(`cluster: discode ${args.join(' ')} failed (exit ${result.code}): ${firstLine(result.stderr)}`)
  return result
}

/** `cluster init` on the manager, the workers joined, until `cluster status` has every node ready. */
async function formCluster(world: World, stand: SwarmStand): Promise<void> {
  const manager = stand.nodes[0]
  await must(world, [
    ...['cluster', 'init', '--advertise-addr', manager.address, '--listen-addr', `${manager.address}:2377`],
    ...['--default-addr-pool', '10.251.0.0/16'],
  ])
  const join = await must(world, ['cluster', 'join-command'])
  await stand.joinWorkers(join.json.command)
  for (let waited = 0; waited < 60_000; waited += 1000) {
    const {json} = await timedDiscodeJson(world, ['cluster', 'status'])
    const nodes: {state: string}[] = json?.nodes ?? []
    if (nodes.length === NODES && nodes.every((n) => n.state === 'ready')) return
    await sleep(1000)
  }
  throw new Error(`cluster: the ${NODES} nodes were not all ready after 60 s`)
}

async function placement(world: World, app: string): Promise<Record<string, number>> {
  return placementOf((await timedDiscodeJson(world, ['cluster', 'status'])).json, app)
}

export async function clusterSwitches(phase: ClusterPhase): Promise<{report: ClusterReport; cpu: CpuUse}> {
  const name = `${phase.name}c`
  const app = `${name}-app`
  const t0 = performance.now()
  phase.say(`cluster: creating a ${NODES}-node swarm stand (waits while another run's stand exists)`)
  const stand = await createSwarmStand({nodes: NODES})
  let world: World | undefined
  let feed: FeedServer | undefined
  let tornDown: Promise<void> | undefined
  const teardown = () => {
    tornDown ??= (async () => {
      await feed?.close().catch(() => {})
      await stand.teardown()
      if (world) rmSync(world.home, {recursive: true, force: true})
    })()
    return tornDown
  }
  phase.onCleanup(teardown)
  let setup: ClusterReport['setup'] | undefined
  try {
    const manager = stand.nodes[0]
    await stand.loadImage(manager, phase.proxyImage)
    world = await clusterWorld(name, stand, phase.proxyImage)
    const repository = standRepository(KEEPALIVE_REPOSITORY, stand.registry)
    feed = await startFeedServer({
      releases: KEEPALIVE_TAGS.map((version) => ({version, image: `${repository}:${version}`, channel: 'stable'})),
    })
    // No volume (several replicas cannot share a local one); the hook runs as a Swarm job on every switch.
    const recipe = writeRecipe(join(world.home, 'recipes', 'cluster'), feed.url, {
      image: repository,
      volumes: [],
      hooks: {preSwitch: [{name: 'migrate', run: ['/bin/sh', '-c', 'echo "migrated to $APP_VERSION"']}], postSwitch: []},
    })
    const t1 = performance.now()
    phase.say(`cluster: stand up in ${((t1 - t0) / 1000).toFixed(0)} s; cluster init, workers joining`)
    await formCluster(world, stand)
    const t2 = performance.now()
    phase.say(`cluster: installing ${app} with --cluster --replicas ${REPLICAS}`)
    await must(world, [
      'install',
      app,
      '--recipe',
      recipe,
      '--set',
      `hostname=${HOST}`,
      '--version',
      '1.0.0',
      '--cluster',
      '--replicas',
      String(REPLICAS),
      '--yes',
    ])
    const t3 = performance.now()
    const installed = await placement(world, app)
    const answer = await httpGet(`${world.url}/`, {host: HOST})
    if (answer.status !== 200) throw new Error(`cluster: ${HOST} answers ${answer.status} through the proxy before the benchmark`)

    const proxyId = (await stand.docker(manager, ['inspect', '--format', '{{.Id}}', world.proxyContainer])).stdout.trim()
    phase.say(`cluster: ${phase.config.clusterSwitches} switches of ${app} (${JSON.stringify(installed)}) under ${phase.config.rate} req/s`)
    const from = cpuMark(proxyId, `swarm${manager.index}`)
    const {report} = await switchesUnderLoad({
      ...phase,
      world,
      app,
      host: HOST,
      switches: phase.config.clusterSwitches,
      updateArgs: ['--no-snapshot'],
      label: `cluster switches (${NODES} nodes)`,
      overflows: async () => {
        let sum = 0
        for (const node of stand.nodes) sum += await listenOverflows(await runningTaskContainers(app, node.dockerHost), node.dockerHost)
        return sum
      },
    })
    const cpu = cpuUse(from, cpuMark(proxyId, `swarm${manager.index}`))
    const end = await placement(world, app)
    setup = {standS: (t1 - t0) / 1000, joinS: (t2 - t1) / 1000, installS: (t3 - t2) / 1000, teardownS: 0}
    return {report: {...report, nodes: NODES, replicas: REPLICAS, placement: {installed, end}, setup}, cpu}
  } finally {
    phase.say('cluster: tearing the stand down')
    const t4 = performance.now()
    await teardown()
    if (setup) setup.teardownS = (performance.now() - t4) / 1000
  }
}
