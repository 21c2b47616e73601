/**
 * `npm run bench`: discode's zero-downtime claim, measured on the real Docker engine.
 *
 *  1. discode switches (update / rollback, through the built CLI) under a steady autocannon load through
 *     the proxy: failures, and latency in steady state vs. in the window around each switch.
 *  2. The same load against a traditional stop-and-start update: failures and seconds of downtime.
 *  3. Where an update's time goes (the step timings `--json` reports, and discode's own overhead).
 *  4. Start-up cost: `discode --version` and `discode status --json --offline` with 20 apps vs `node -e 0`.
 *  5. Scale: 20 apps behind one proxy; updating one loses no request on the others; `status` time.
 *  6. Cluster: the same switches under the same load on a 3-node Swarm stand (scripts/bench/cluster.ts).
 *  7. Writes docs/benchmarks.md (a full run; `--quick` only with `--write`) and prints a summary.
 *
 * Everything runs in its own world (home, network, proxy container, ports on 127.0.0.1), removed at the
 * end even on failure or Ctrl-C. Traffic goes only to 127.0.0.1 (the proxy, the feed, the registry) and, in the
 * cluster phase, to the swarm stand's 10.250.0.0/24.
 */
import {randomBytes} from 'node:crypto'
import {existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {parseArgs} from 'node:util'

import {createWorld, destroyWorld, ROOT, type World, writeRecipe} from '../test/support/discode.js'
import {type FeedServer, httpGet, startFeedServer} from '../test/support/http.js'
import {docker} from '../test/support/images.js'
import {buildAndPushKeepaliveImages, KEEPALIVE_REPOSITORY as REPOSITORY} from '../test/support/keepalive-images.js'
import {measureAnatomy} from './bench/anatomy.js'
import {timedDiscode, timedDiscodeJson, timedNode} from './bench/cli.js'
import {clusterSwitches} from './bench/cluster.js'
import {cpuMark, cpuUse, type CpuUse} from './bench/cpu.js'
import {type RequestRecord, startLoad, steadyLoad} from './bench/load.js'
import {listenOverflows, runningContainers} from './bench/netstat.js'
import {previousRun} from './bench/previous.js'
import {renderMarkdown, renderSummary} from './bench/report.js'
import {downtimeMs, inWindow, summarize, type Window} from './bench/stats.js'
import {achieved, firstLine, loadReport, switchesUnderLoad} from './bench/switches.js'
import {chooseProxyImageHere, type ProxyChoice} from './proxy-image.js'
import {type Panel, renderTimelineSvg} from './bench/timeline.js'
import {pluginFreeRoot} from './bench/without-plugins.js'
import type {BenchConfig, Results, ScaleSwitch, TraditionalResult} from './bench/types.js'

// ---------------------------------------------------------------------------------------- options

const {values: flags} = parseArgs({
  options: {
    quick: {type: 'boolean', default: false},
    write: {type: 'boolean'},
    rate: {type: 'string'},
    connections: {type: 'string'},
    switches: {type: 'string'},
    help: {type: 'boolean', short: 'h', default: false},
  },
})

if (flags.help) {
  process.stdout.write(`Usage: npm run bench [-- --quick] [--write] [--rate N] [--connections N] [--switches N]
  --quick        fewer switches, apps and runs (a few minutes); does not write docs/benchmarks.md unless --write
  --rate N       requests per second asked of the steady load (default 210, so that at least 200 are achieved)
  --connections  load connections (default 32)
  --switches N   discode switches under load (default 8, quick 6; at least 5); as many on the 3-node
                 cluster (quick: 4)
`)
  process.exit(0)
}

const quick = flags.quick ?? false
const config: BenchConfig = {
  quick,
  // The goal is at least 200 req/s achieved; autocannon drops a connection's unspent per-second quota
  // after any hiccup, so a little more is asked (the report shows both).
  rate: Number(flags.rate ?? 210),
  // Each connection keeps one request in flight, so rate / connections must stay under 1 / latency:
  // 32 connections hold 200 req/s up to 160 ms per request.
  connections: Number(flags.connections ?? 32),
  switches: Math.max(5, Number(flags.switches ?? (quick ? 6 : 8))),
  clusterSwitches: 0,
  traditionalUpdates: quick ? 3 : 5,
  warmupMs: 3000,
  baselineMs: quick ? 4000 : 8000,
  gapMs: quick ? 2500 : 4000,
  startupApps: quick ? 10 : 20,
  // Each app has its own network: Docker's default address pools hold about 30 (see docs/architecture.md, Networks).
  scaleApps: quick ? 12 : 20,
  runs: quick ? 7 : 21,
  scaleStatusRuns: quick ? 5 : 9,
  anatomyRuns: 3,
  onlineStatusRuns: 3,
  installConcurrency: 2,
  timeoutSeconds: 10,
}
// As many on 3 nodes as on one host; a quick run does fewer (each one there takes longer).
config.clusterSwitches = quick ? 4 : config.switches
const writeDocs = flags.write ?? !quick
/** The whole run is cut off after this (cleanup still runs). */
const HARD_LIMIT_MS = (quick ? 22 : 35) * 60_000

// ---------------------------------------------------------------------------------------- setup

const started = Date.now()
function say(line: string) {
  const seconds = ((Date.now() - started) / 1000).toFixed(0).padStart(4)
  process.stderr.write(`bench ${seconds}s  ${line}\n`)
}

const NAME = `bench${randomBytes(2).toString('hex')}`
const MAIN = `${NAME}-main`
const MAIN_HOST = 'main.bench.test'
const TRAD_SERVICE = `${NAME}-trad`
const TRAD_HOLDER = `${NAME}-trad-net`
const TRAD_HOST = 'trad.bench.test'
const LABEL = `discode.bench=${NAME}`
const scaleApp = (i: number) => `${NAME}-s${String(i).padStart(2, '0')}`
const scaleHost = (i: number) => `s${String(i).padStart(2, '0')}.bench.test`

let world: World | undefined
let feed: FeedServer | undefined
const loads: {stop(): Promise<unknown>}[] = []
/** Teardowns of things a phase sets up beside the world (the cluster phase's swarm stand). */
const teardowns: (() => Promise<void>)[] = []
/** Things worth the reader's attention (failed commands, anomalies), collected as the run goes. */
const findings: string[] = []

/** The oclif plugins for people at a terminal (completion, "did you mean"); the start-up section times without them too. */
const UX_PLUGINS = ['@oclif/plugin-autocomplete', '@oclif/plugin-not-found']

const BEFORE = 'before the run (3 s, nothing of ours running)'
const CLUSTER_PHASE = 'cluster switches under load (3 nodes)'
/** The picture's two panels (docs/benchmark-timeline.svg), cut from the loads' records as the phases end. */
const timeline: {discode?: Panel; traditional?: Panel} = {}
/** How much of each phase the picture shows, from 2 s before its first update (the same for both). */
let timelineSpanMs = 15_000
const TIMELINE_LEAD_MS = 2000

/** Machine CPU use per phase. */
const cpu: Record<string, CpuUse> = {}
/** The proxy container's id, once it exists: its CPU use is reported per phase. */
let proxyId: string | undefined
async function phase<T>(name: string, work: () => Promise<T>): Promise<T> {
  const from = cpuMark(proxyId)
  try {
    return await work()
  } finally {
    cpu[name] = cpuUse(from, cpuMark(proxyId))
  }
}

let cleaning: Promise<void> | undefined
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const load of loads) await load.stop().catch(() => {})
    for (const teardown of teardowns) await teardown().catch((error: Error) => say(`cleanup: ${error.message}`))
    await feed?.close().catch(() => {})
    // Containers that share the holder's network namespace are not "on" the network for docker ps.
    const ours = (await docker(['ps', '-aq', '--filter', `label=${LABEL}`]).catch(() => ({stdout: ''}))).stdout.split('\n').filter(Boolean)
    if (ours.length > 0) await docker(['rm', '-f', ...ours]).catch(() => {})
    if (world) await destroyWorld(world).catch((error: Error) => say(`cleanup: ${error.message}`))
  })()
  return cleaning
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say(`${signal}: cleaning up`)
    void cleanup().finally(() => process.exit(130))
  })
}

// ---------------------------------------------------------------------------------------- helpers

function run(args: string[]) {
  return timedDiscodeJson(world!, args)
}

async function installApp(app: string, recipeDir: string, host: string, version = '1.0.0'): Promise<number> {
  const result = await run(['install', app, '--recipe', recipeDir, '--set', `hostname=${host}`, '--version', version, '--yes'])
  if (result.code !== 0) throw new Error(`discode install ${app} failed (exit ${result.code}): ${firstLine(result.stderr)}`)
  return result.wallMs
}

/** Installs apps with a small pool; an install that fails in the pool is retried alone, and noted. */
async function installMany(apps: {app: string; host: string}[], recipeDir: string): Promise<void> {
  const queue = [...apps]
  const failed: {app: string; host: string; error: string}[] = []
  await Promise.all(
    Array.from({length: config.installConcurrency}, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const app = next
        await installApp(app.app, recipeDir, app.host).catch((error: Error) => failed.push({...app, error: error.message}))
      }
    }),
  )
  for (const app of failed) {
    findings.push(`An install run ${config.installConcurrency} at a time failed, then passed alone: ${app.error}`)
    say(`retrying ${app.app} alone after: ${app.error}`)
    await installApp(app.app, recipeDir, app.host)
  }
}

async function machineInfo(proxy: ProxyChoice): Promise<Record<string, string>> {
  const dockerVersion = (await docker(['version', '--format', '{{.Server.Version}}']).catch(() => ({stdout: '?'}))).stdout.trim()
  const storage = (await docker(['info', '--format', '{{.Driver}}']).catch(() => ({stdout: '?'}))).stdout.trim()
  let distro = os.type()
  try {
    distro = /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? distro
  } catch {}
  const autocannonVersion = JSON.parse(readFileSync(join(ROOT, 'node_modules/autocannon/package.json'), 'utf8')).version
  return {
    cpu: `${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? '?'})`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${distro}, kernel ${os.release()}`,
    docker: `${dockerVersion} (storage driver ${storage})`,
    node: process.version,
    autocannon: autocannonVersion,
    proxy: proxy.description,
  }
}

// ---------------------------------------------------------------------------------------- 1. discode switches

async function discodeSwitches(): Promise<Results['discode']> {
  say(`discode: ${config.switches} switches of ${MAIN} under ${config.rate} req/s (${config.connections} connections)`)
  const {report, records} = await switchesUnderLoad({
    config,
    findings,
    world: world!,
    app: MAIN,
    host: MAIN_HOST,
    switches: config.switches,
    label: 'discode switches',
    say,
    track: (load) => loads.push(load),
    overflows: async () => listenOverflows(await runningContainers(MAIN)),
  })
  const switches = report.switches
  // The picture shows the first two switches and a little after: as long as that takes here.
  const first = switches[0].window.from - TIMELINE_LEAD_MS
  const secondEnd = (switches[1] ?? switches[0]).window.to - 1000
  timelineSpanMs = Math.min(30_000, Math.max(8000, secondEnd + 3000 - first))
  timeline.discode = {
    title: 'discode update / rollback (blue-green through kamal-proxy)',
    from: first,
    records: records.filter((r) => r.start >= first && r.start < first + timelineSpanMs),
    marks: switches.map((sw) => ({from: sw.window.from, to: sw.window.to - 1000, label: `${sw.command.split(' ')[1]} to ${sw.to ?? '?'}`})),
  }
  return report
}

// ---------------------------------------------------------------------------------------- 2. traditional

/**
 * The traditional update, best case: the route points at a fixed name held by a "network holder"
 * container (like a Kubernetes pod's pause container) and the app runs in the holder's network
 * namespace, so the name always resolves and a stopped app answers "connection refused" at once.
 * An update pulls the new image first (outside the window), then `docker stop` the running app
 * container and `docker run` the new version in the same namespace: stop, then start, on the same route.
 */
async function traditionalSetup(): Promise<string> {
  await docker([
    'run',
    '-d',
    '--name',
    TRAD_HOLDER,
    '--network',
    world!.network,
    '--label',
    LABEL,
    '--entrypoint',
    '/bin/sleep',
    `${REPOSITORY}:1.0.0`,
    '3600',
  ])
  const first = `${TRAD_SERVICE}-1`
  await docker([
    'run',
    '-d',
    '--name',
    first,
    '--network',
    `container:${TRAD_HOLDER}`,
    '--label',
    LABEL,
    '--restart',
    'unless-stopped',
    `${REPOSITORY}:1.0.0`,
  ])
  const deploy = [
    'exec',
    world!.proxyContainer,
    'kamal-proxy',
    'deploy',
    TRAD_SERVICE,
    '--target',
    `${TRAD_HOLDER}:80`,
    '--host',
    TRAD_HOST,
  ]
  await docker([...deploy, '--health-check-path', '/up', '--health-check-interval', '200ms', '--deploy-timeout', '10s'])
  return first
}

async function traditionalUpdates(firstContainer: string): Promise<Results['traditional']> {
  say(`traditional: ${config.traditionalUpdates} stop-and-start updates under ${config.rate} req/s`)
  const {load, loadStart, measureFrom} = await steadyLoad(`${world!.url}/`, [TRAD_HOST], config, (l) => loads.push(l))
  const versions = ['1.0.0', '1.1.0', '1.2.0']
  let current = firstContainer
  let currentVersion = '1.0.0'
  const updates: TraditionalResult[] = []
  // The app shares the holder's network namespace, so the holder's counters are the app's, across updates.
  let overflows = -(await listenOverflows([TRAD_HOLDER]))
  for (let n = 1; n <= config.traditionalUpdates; n++) {
    const version = versions[n % versions.length]
    const image = `${REPOSITORY}:${version}`
    await docker(['pull', '-q', image])
    const next = `${TRAD_SERVICE}-${n + 1}`
    const t0 = performance.now()
    await docker(['stop', current])
    const t1 = performance.now()
    await docker([
      'run',
      '-d',
      '--name',
      next,
      '--network',
      `container:${TRAD_HOLDER}`,
      '--label',
      LABEL,
      '--restart',
      'unless-stopped',
      image,
    ])
    const t2 = performance.now()
    const none = summarize([])
    updates.push({
      n,
      from: currentVersion,
      to: version,
      wallMs: t2 - t0,
      stopMs: t1 - t0,
      runMs: t2 - t1,
      window: {from: t0, to: t2 + 1000},
      summary: none,
      period: none,
      downtimeMs: 0,
    })
    say(`  ${n}. docker stop + docker run: ${currentVersion} -> ${version}, ${((t2 - t0) / 1000).toFixed(2)} s`)
    await sleep(1000)
    await docker(['rm', current])
    current = next
    currentVersion = version
    await sleep(Math.max(0, config.gapMs - 1000))
  }
  const totals = await load.stop()
  overflows += await listenOverflows([TRAD_HOLDER])
  const first = updates[0].window.from - TIMELINE_LEAD_MS
  timeline.traditional = {
    title: 'stop-and-start update (docker stop, then docker run)',
    from: first,
    records: totals.records.filter((r) => r.start >= first && r.start < first + timelineSpanMs),
    marks: updates.map((u) => ({from: u.window.from, to: u.window.to - 1000, label: `stop + run ${u.to}`})),
  }
  const durationS = (performance.now() - loadStart) / 1000
  updates.forEach((entry, i) => {
    const inside = totals.records.filter((r) => inWindow(r, entry.window))
    entry.summary = summarize(inside)
    // Failures and downtime are counted until the next update (an app still starting 1 s after
    // `docker run` returned fails requests after the window).
    const period = {from: entry.window.from, to: updates[i + 1]?.window.from ?? Number.POSITIVE_INFINITY}
    const during = totals.records.filter((r) => inWindow(r, period))
    entry.period = summarize(during)
    entry.downtimeMs = downtimeMs(during)
  })
  return {
    ...loadReport(
      totals,
      {from: measureFrom, windows: updates.map((u) => u.window), durationS, label: 'traditional updates'},
      {config, findings},
    ),
    listenOverflows: overflows,
    updates,
  }
}

// ---------------------------------------------------------------------------------------- 4. start-up

async function startup(): Promise<Results['startup']> {
  const apps = config.startupApps
  say(
    `start-up: ${config.runs} runs each of node -e 0, discode --version, discode status --json --offline (${apps} apps), both also without ${UX_PLUGINS.join(' and ')}, then status listing the proxy again`,
  )
  const env = world!.env
  const bin = join(ROOT, 'bin', 'run.js')
  // The same CLI without the plugins users expect but other commands never use: their start-up cost.
  const bare = pluginFreeRoot(ROOT, UX_PLUGINS)
  const commands = {
    node: () => timedNode(['-e', '0'], env),
    version: () => timedNode([bin, '--version'], env),
    status: () => timedNode([bin, 'status', '--json', '--offline'], env),
    versionWithoutPlugins: () => timedNode([bare.bin, '--version'], env),
    statusWithoutPlugins: () => timedNode([bare.bin, 'status', '--json', '--offline'], env),
  }
  const times: Record<keyof typeof commands, number[]> = {
    node: [],
    version: [],
    status: [],
    versionWithoutPlugins: [],
    statusWithoutPlugins: [],
  }
  const statusStartup: number[] = []
  try {
    const check = await commands.status()
    const listed = JSON.parse(check.stdout).apps?.length
    if (listed !== apps) findings.push(`status --offline listed ${listed} apps, expected ${apps}`)
    // One untimed round warms the file cache; then they alternate so that drift hits them alike.
    for (const fn of Object.values(commands)) await fn()
    for (let i = 0; i < config.runs; i++) {
      for (const [name, fn] of Object.entries(commands) as [
        keyof typeof commands,
        () => Promise<{wallMs: number; code: number; stdout: string; stderr: string}>,
      ][]) {
        const result = await fn()
        if (result.code !== 0) throw new Error(`${name} failed: ${result.stderr}`)
        times[name].push(result.wallMs)
        if (name === 'status') statusStartup.push(JSON.parse(result.stdout).elapsed.startupMs)
      }
    }
  } finally {
    bare.remove()
  }
  // Apart, so that its docker exec cannot slow the runs above: status as the first one after a change to
  // the routes, which finds no listing to reuse and runs `kamal-proxy list`.
  const statusListing: number[] = []
  for (let i = 0; i < config.runs; i++) {
    rmSync(join(world!.home, 'proxy', 'routes.json'), {force: true})
    const result = await commands.status()
    if (result.code !== 0) throw new Error(`status failed: ${result.stderr}`)
    statusListing.push(result.wallMs)
  }
  return {apps, runs: config.runs, ...times, statusListing, statusStartup}
}

// ---------------------------------------------------------------------------------------- 5. scale

async function scale(): Promise<Results['scale']> {
  const apps = config.scaleApps
  const statusOffline: number[] = []
  const statusOnline: number[] = []
  for (let i = 0; i < config.scaleStatusRuns; i++)
    statusOffline.push((await timedDiscode(world!, ['status', '--json', '--offline'])).wallMs)
  for (let i = 0; i < config.onlineStatusRuns; i++) {
    const result = await timedDiscodeJson(world!, ['status'])
    const errors = (result.json?.apps ?? []).filter((a: {update?: {error?: string}}) => a.update?.error)
    if (errors.length > 0) findings.push(`status: ${errors.length} update checks failed: ${errors[0].update.error}`)
    statusOnline.push(result.wallMs)
  }
  const routes = (await docker(['exec', world!.proxyContainer, 'kamal-proxy', 'list'])).stdout.trim().split('\n').length - 1

  // Load spread over every app's host name; the switched app is s01, the others are the rest.
  const target = 1
  const hosts = [MAIN_HOST, ...Array.from({length: apps - 1}, (_, i) => scaleHost(i + 1))]
  const targetIndex = hosts.indexOf(scaleHost(target))
  say(
    `scale: ${apps} apps, ${routes} routes; updating ${scaleApp(target)} under ${config.rate} req/s spread over ${hosts.length} host names`,
  )
  const load = startLoad({
    url: `${world!.url}/`,
    hosts,
    rate: config.rate,
    connections: config.connections,
    maxSeconds: 300,
    timeoutSeconds: config.timeoutSeconds,
  })
  loads.push(load)
  await sleep(config.warmupMs)
  const measureFrom = performance.now()
  const switches: (ScaleSwitch & {window: Window})[] = []
  for (const args of [
    ['update', scaleApp(target), '--to', '1.1.0'],
    ['rollback', scaleApp(target), '--keep-data'],
  ]) {
    const result = await run(args)
    const entry = {
      command: `discode ${args.join(' ').replace(scaleApp(target), 's01')}`,
      code: result.code,
      wallMs: result.wallMs,
      window: {from: result.startedAt, to: result.endedAt + 1000},
      others: summarize([]),
      target: summarize([]),
    } as ScaleSwitch & {window: Window}
    if (result.code !== 0) {
      entry.error = firstLine(result.stderr)
      findings.push(`scale: \`${entry.command}\` failed: ${entry.error}`)
    }
    switches.push(entry)
    say(`  ${entry.command}: exit ${result.code}, ${(result.wallMs / 1000).toFixed(2)} s`)
    await sleep(config.gapMs)
  }
  const totals = await load.stop()
  // Every app's serving container, read once at the end (s01's earlier containers are gone by then).
  const serving = (
    await docker(['ps', '--filter', 'label=discode.app', '--filter', 'status=running', '--format', '{{.Names}}\t{{.Label "discode.app"}}'])
  ).stdout
  const overflows = await listenOverflows(
    serving
      .split('\n')
      .filter((line) => line.split('\t')[1]?.startsWith(NAME))
      .map((line) => line.split('\t')[0]),
  )
  const measured = totals.records.filter((r) => r.start >= measureFrom)
  const isOther = (r: RequestRecord) => r.host !== targetIndex
  for (const entry of switches) {
    const inside = measured.filter((r) => inWindow(r, entry.window))
    entry.others = summarize(inside.filter(isOther))
    entry.target = summarize(inside.filter((r) => r.host === targetIndex))
  }
  return {
    apps,
    routes,
    statusOffline,
    statusOnline,
    load: {
      listenOverflows: overflows,
      achievedRate: achieved(measured, measureFrom, 'scale', {config, findings}),
      all: summarize(measured),
      // Socket errors cannot be tied to a host name: they count against the other apps.
      others: summarize(measured.filter(isOther)),
      target: summarize(measured.filter((r) => r.host === targetIndex)),
      unattributed: measured.filter((r) => r.host === -1).length,
      hosts: hosts.length,
    },
    switches: switches.map(({window: _window, ...rest}) => rest),
  }
}

// ---------------------------------------------------------------------------------------- picture

const TIMELINE_FILE = 'benchmark-timeline.svg'

function renderTimeline(results: Results): string {
  const panels = [timeline.discode, timeline.traditional].filter((p): p is Panel => p !== undefined)
  const proxy = results.proxy.standin ? 'the kamal-proxy stand-in' : results.proxy.image
  return renderTimelineSvg(panels, {
    spanMs: timelineSpanMs,
    caption: 'Requests through the proxy around the first updates: discode beside stop-and-start',
    subtitle: `${results.config.rate} req/s asked, through ${proxy}; ${results.command}, ${results.date.slice(0, 16).replace('T', ' ')} UTC`,
  })
}

// ---------------------------------------------------------------------------------------- main

async function main(): Promise<void> {
  const hardLimit = setTimeout(() => {
    say(`hard limit of ${HARD_LIMIT_MS / 60_000} minutes reached: cleaning up`)
    void cleanup().finally(() => process.exit(1))
  }, HARD_LIMIT_MS)
  hardLimit.unref()

  // How busy the machine is before we add anything (other work on a shared machine shows here).
  await phase(BEFORE, () => sleep(3000))
  const busy = cpu[BEFORE].machinePercent
  if (busy > 25) {
    findings.push(
      `Before the benchmark started, other work kept the machine ${busy.toFixed(0)} % busy (load average ${cpu[BEFORE].loadavg.toFixed(1)} on ${os.cpus().length} cores): absolute times are inflated by that contention; the ratios within this run are the numbers to compare.`,
    )
    say(`warning: the machine is already ${busy.toFixed(0)} % busy with other work; results will be noisy`)
  }
  say(`world ${NAME}; ${quick ? 'quick run' : 'full run'}; building the test images, choosing the proxy`)
  const [, proxy] = await Promise.all([buildAndPushKeepaliveImages(), chooseProxyImageHere()])
  say(`proxy: ${proxy.description}`)
  for (const version of ['1.0.0', '1.1.0', '1.2.0']) await docker(['pull', '-q', `${REPOSITORY}:${version}`])
  const machine = await machineInfo(proxy)
  world = await createWorld(NAME, {proxyImage: proxy.image})
  feed = await startFeedServer({
    releases: ['1.0.0', '1.1.0', '1.2.0'].map((version) => ({version, image: `${REPOSITORY}:${version}`, channel: 'stable'})),
  })
  const mainRecipe = writeRecipe(join(world.home, 'recipes', 'main'), feed.url, {
    image: REPOSITORY,
    hooks: {
      preSwitch: [{name: 'migrate', run: ['/bin/sh', '-c', 'echo "migrated to $APP_VERSION" >> /www/data/migrations.log']}],
      postSwitch: [],
    },
  })
  const plainRecipe = writeRecipe(join(world.home, 'recipes', 'plain'), feed.url, {image: REPOSITORY})

  say(`installing ${MAIN} (with a preSwitch hook) and the traditional service`)
  await installApp(MAIN, mainRecipe, MAIN_HOST)
  const tradFirst = await traditionalSetup()
  proxyId = (await docker(['inspect', '--format', '{{.Id}}', world.proxyContainer])).stdout.trim()
  for (const host of [MAIN_HOST, TRAD_HOST]) {
    const answer = await httpGet(`${world.url}/`, {host})
    if (answer.status !== 200) throw new Error(`${host} answers ${answer.status} through the proxy before the benchmark`)
  }

  const discode = await phase('discode switches under load', discodeSwitches)
  const traditional = await phase('traditional updates under load', () => traditionalUpdates(tradFirst))
  const cluster = await clusterSwitches({
    name: NAME,
    config,
    findings,
    proxyImage: proxy.image,
    say,
    track: (load) => loads.push(load),
    onCleanup: (teardown) => teardowns.push(teardown),
  })
  // Its own CPU mark: the load only (the stand's set-up aside), and the proxy on the manager.
  cpu[CLUSTER_PHASE] = cluster.cpu

  say(`installing ${config.startupApps - 1} more apps (${config.installConcurrency} at a time)`)
  await installMany(
    Array.from({length: config.startupApps - 1}, (_, i) => ({app: scaleApp(i + 1), host: scaleHost(i + 1)})),
    plainRecipe,
  )
  const start = await phase('start-up runs', startup)
  say(`start-up anatomy: module imports and proxy client calls, ${config.anatomyRuns} runs each`)
  const mainContainer = (await docker(['ps', '--filter', `label=discode.app=${MAIN}`, '--format', '{{.Names}}'])).stdout
    .trim()
    .split('\n')[0]
  const anatomy = await phase('start-up anatomy', () =>
    measureAnatomy({runs: config.anatomyRuns, env: world!.env, proxyContainer: world!.proxyContainer, appContainer: mainContainer}),
  )

  say(`installing ${config.scaleApps - config.startupApps} more apps`)
  await installMany(
    Array.from({length: config.scaleApps - config.startupApps}, (_, i) => ({
      app: scaleApp(config.startupApps + i),
      host: scaleHost(config.startupApps + i),
    })),
    plainRecipe,
  )
  const scaled = await phase('scale', scale)

  const results: Results = {
    date: new Date().toISOString(),
    command: quick ? 'npm run bench -- --quick --write' : 'npm run bench',
    config,
    proxy,
    timeline: {file: TIMELINE_FILE, spanMs: timelineSpanMs},
    machine,
    discode,
    traditional,
    cluster: cluster.report,
    startup: start,
    anatomy,
    scale: scaled,
    cpu,
    findings,
    totalSeconds: 0,
  }
  say('cleaning up')
  await cleanup()
  results.totalSeconds = (Date.now() - started) / 1000

  mkdirSync(join(ROOT, '.tmp'), {recursive: true})
  writeFileSync(join(ROOT, '.tmp', 'bench-results.json'), JSON.stringify(results, null, 2))
  const svg = renderTimeline(results)
  writeFileSync(join(ROOT, '.tmp', 'bench-timeline.svg'), svg)
  if (writeDocs) {
    writeFileSync(join(ROOT, 'docs', TIMELINE_FILE), svg)
    const page = join(ROOT, 'docs', 'benchmarks.md')
    writeFileSync(page, renderMarkdown(results, previousRun(existsSync(page) ? readFileSync(page, 'utf8') : undefined)))
    say(`wrote docs/benchmarks.md and docs/${TIMELINE_FILE} (raw numbers: .tmp/bench-results.json)`)
  } else {
    say(
      'quick run: docs/benchmarks.md left as it is (add --write to refresh it); raw numbers in .tmp/bench-results.json, picture in .tmp/bench-timeline.svg',
    )
  }
  process.stdout.write(renderSummary(results))
}

main()
  .catch(async (error: Error) => {
    say(`failed: ${error.stack ?? error.message}`)
    process.exitCode = 1
    await cleanup()
  })
  .finally(() => {
    // autocannon's timers and the feed server are gone; nothing should keep the process alive.
    setTimeout(() => process.exit(), 2000).unref()
  })
