/** docs/benchmarks.md and the printed summary, both generated from one run's results. */
import {OCLIF_ENTRY} from './anatomy.js'
import {clusterSection, clusterSummaryLine, medianWall} from './report-cluster.js'
import {previousCell, type PreviousRun} from './previous.js'
import {median, percentile} from './stats.js'
import type {Summary} from './stats.js'
import type {Results, SwitchResult} from './types.js'

const STEPS = ['proxy', 'reconcile', 'feed', 'pull', 'start', 'hooks', 'switch', 'retire', 'cleanup'] as const
/** The issue's load for the default run: zero failures must hold at least at this rate, achieved. */
const MIN_RATE = 200

const ms = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '–')
const s = (v: number, digits = 2) => (Number.isFinite(v) ? (v / 1000).toFixed(digits) : '–')
const x = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '–')
const mark = (ok: boolean) => (ok ? '✅ met' : '❌ not met')
const int = (v: number) => v.toLocaleString('en-US')

function failedText(summary: Summary): string {
  if (summary.failed === 0) return '0'
  const detail = Object.entries(summary.failures)
    .sort((a, b) => b[1] - a[1])
    .map(([what, n]) => `${n}× ${what}`)
    .join(', ')
  return `${summary.failed} (${detail})`
}

function latencyText(summary: Summary): string {
  return `${ms(summary.p50)} / ${ms(summary.p99)} / ${ms(summary.max)}`
}

/** Everything derived once, shared by the markdown and the summary. */
export function derive(r: Results) {
  const updates = r.discode.switches.filter((sw) => sw.command.startsWith('discode update'))
  const rollbacks = r.discode.switches.filter((sw) => sw.command.startsWith('discode rollback'))
  const switchP99Ratio = r.discode.windows.p99 / r.discode.steady.p99
  const worstSwitchRatio = Math.max(...r.discode.switches.map((sw) => sw.summary.p99 / r.discode.steady.p99))
  const discodeFailed = r.discode.all.failed
  const tradFailed = r.traditional.all.failed
  const tradPerUpdate = r.traditional.updates.map((u) => u.period.failed)
  const tradDowntime = r.traditional.updates.map((u) => u.downtimeMs)
  const overheads = r.discode.switches.filter((sw) => sw.code === 0).map((sw) => sw.overheadMs)
  const node = median(r.startup.node)
  const version = median(r.startup.version)
  const status = median(r.startup.status)
  // Socket errors (no host known) are already counted against the other apps.
  const othersFailed = r.scale.load.others.failed
  const commandsFailed = r.discode.switches.filter((sw) => sw.code !== 0).length + r.scale.switches.filter((sw) => sw.code !== 0).length
  /** Process start before the first step, at least: bare node + the command's module graph (oclif's parts in it). */
  const startupEstimate = {
    update: node + (r.anatomy.commandImports.update ?? 0),
    rollback: node + (r.anatomy.commandImports.rollback ?? 0),
    status: node + (r.anatomy.commandImports.status ?? 0),
  }
  const clusterRatio = r.cluster ? medianWall(r.cluster.switches, 'update') / medianWall(r.discode.switches, 'update') : NaN
  return {
    startupEstimate,
    updates,
    rollbacks,
    switchP99Ratio,
    worstSwitchRatio,
    discodeFailed,
    tradFailed,
    tradPerUpdate,
    tradDowntime,
    overheads,
    medianOverhead: median(overheads),
    maxOverhead: Math.max(...overheads),
    node,
    version,
    status,
    versionRatio: version / node,
    statusRatio: status / node,
    othersFailed,
    commandsFailed,
    clusterRatio,
    goals: {
      zeroFailures: discodeFailed === 0 && commandsFailed === 0 && r.discode.achievedRate >= MIN_RATE,
      p99: switchP99Ratio <= 2,
      overhead: median(overheads) <= 300,
      startup: version / node <= 2 && status / node <= 2,
      cluster: clusterRatio <= 1.5,
      scale: othersFailed === 0,
    },
  }
}

function stepCell(sw: SwitchResult, step: string): string {
  return sw.timings[step] === undefined ? '' : String(Math.round(sw.timings[step]))
}

function splitMedianRow(rows: SwitchResult[]): string {
  const split = rows.map((sw) => sw.overheadSplit).filter((o): o is NonNullable<SwitchResult['overheadSplit']> => o !== undefined)
  if (split.length === 0) return ''
  const m = (pick: (o: (typeof split)[number]) => number) => Math.round(median(split.map(pick)))
  return `| **median** | | **${Math.round(median(rows.map((sw) => sw.overheadMs)))}** | ${m((o) => o.startup)} | ${m((o) => o.inRun)} | ${m((o) => o.outsideRun)} |`
}

function medianRow(label: string, rows: SwitchResult[]): string {
  if (rows.length === 0) return ''
  const cell = (pick: (sw: SwitchResult) => number | undefined) => {
    const values = rows.map(pick).filter((v): v is number => v !== undefined)
    return values.length > 0 ? String(Math.round(median(values))) : ''
  }
  const steps = STEPS.map((step) => cell((sw) => sw.timings[step]))
  const sum = cell((sw) => Object.values(sw.timings).reduce((a, b) => a + b, 0))
  return `| **median, ${label}** | | **${cell((sw) => sw.wallMs)}** | ${steps.join(' | ')} | ${sum} | **${cell((sw) => sw.overheadMs)}** |`
}

export function renderMarkdown(r: Results, previous?: PreviousRun): string {
  const d = derive(r)
  const c = r.config
  const lines: string[] = []
  const add = (...more: string[]) => lines.push(...more)
  const tradMedianDowntime = median(d.tradDowntime)
  const discodeDowntime = r.discode.switches.map((sw) => sw.downtimeMs)

  add(
    '# Benchmarks',
    '',
    `<!-- Generated by scripts/bench.ts on ${r.date}. Do not edit by hand: rerun the command below to refresh. -->`,
    '',
    `Measured ${r.date.slice(0, 10)} (${r.config.quick ? 'a **quick** run: fewer switches, apps and runs' : 'a full run'}, ${Math.round(r.totalSeconds)} s). To reproduce:`,
    '',
    '```bash',
    r.command,
    '```',
    '',
    '(`bash scripts/services.sh` starts dockerd and the local registry, `npm run build` builds the CLI, then',
    '`node --import tsx scripts/bench.ts` runs everything in its own throw-away world and rewrites this file.',
    '`npm run bench -- --quick` takes a few minutes and leaves this file alone unless `--write` is added.)',
    '',
    ...timelineSection(r),
    '## Machine',
    '',
    '| | |',
    '|---|---|',
    ...Object.entries(r.machine).map(([k, v]) => `| ${k} | ${v} |`),
    '',
    '**How busy the machine was** (all cores; the benchmark shares the machine with whatever else runs on it, and',
    'its own process is the load generator and the feed server):',
    '',
    '| phase | machine CPU busy | the benchmark process | the proxy container | load average (1 min) at its end |',
    '|---|---|---|---|---|',
    ...Object.entries(r.cpu).map(
      ([name, use]) =>
        `| ${name} | ${ms(use.machinePercent, 0)} % | ${ms(use.benchPercent, 0)} % | ${Number.isFinite(use.proxyPercent) ? `${ms(use.proxyPercent, 0)} %` : '–'} | ${use.loadavg.toFixed(2)} |`,
    ),
    '',
    'Percentages are of all cores. What is left of "machine CPU busy" after the benchmark process and the proxy is',
    'Docker, the app containers, the discode commands themselves, and any other work on the machine.',
    '',
    ...proxyParagraph(r),
    '',
    '## Goals',
    '',
    ...goalRows(r, d, previous),
    '',
    '## 1. Updates under load: discode vs a traditional stop-and-start',
    '',
    `A steady ${c.rate} requests/s asked through the proxy (autocannon, ${c.connections} connections; achieved: ${r.discode.achievedRate.toFixed(0)} and ${r.traditional.achievedRate.toFixed(0)} req/s), ${c.switches} discode switches`,
    `(updates and rollbacks, alternating) on one app, then ${c.traditionalUpdates} traditional updates on another route, each under its own`,
    `load of the same rate. Latencies in ms (p50 / p99 / max) of the successful requests.`,
    '',
    '| | discode (blue-green through kamal-proxy) | traditional (stop, then start) | discode ÷ traditional |',
    '|---|---|---|---|',
    `| switches / updates | ${r.discode.switches.length} | ${r.traditional.updates.length} | |`,
    `| requests sent (after ${c.warmupMs / 1000} s warm-up), achieved rate | ${int(r.discode.all.requests)}, ${r.discode.achievedRate.toFixed(0)} req/s | ${int(r.traditional.all.requests)}, ${r.traditional.achievedRate.toFixed(0)} req/s | |`,
    `| failed requests: non-2xx / socket errors and timeouts | ${r.discode.all.non2xx} / ${r.discode.all.errors} | ${r.traditional.all.non2xx} / ${r.traditional.all.errors} | |`,
    `| failed requests per update (median, max) | ${median(r.discode.switches.map((sw) => sw.summary.failed))}, ${Math.max(...r.discode.switches.map((sw) => sw.summary.failed))} | ${median(d.tradPerUpdate)}, ${Math.max(...d.tradPerUpdate)} | ${x(median(r.discode.switches.map((sw) => sw.summary.failed)) / median(d.tradPerUpdate))} |`,
    `| downtime per update, s (median, max) | ${s(median(discodeDowntime))}, ${s(Math.max(...discodeDowntime))} | ${s(tradMedianDowntime)}, ${s(Math.max(...d.tradDowntime))} | ${x(median(discodeDowntime) / tradMedianDowntime)} |`,
    `| command time, s (median) | ${s(median(r.discode.switches.map((sw) => sw.wallMs)))} | ${s(median(r.traditional.updates.map((u) => u.wallMs)))} | ${x(median(r.discode.switches.map((sw) => sw.wallMs)) / median(r.traditional.updates.map((u) => u.wallMs)))} |`,
    `| latency, steady state | ${latencyText(r.discode.steady)} | ${latencyText(r.traditional.steady)} | |`,
    `| latency, in the switch windows | ${latencyText(r.discode.windows)} | ${latencyText(r.traditional.windows)} | |`,
    `| p99 in windows ÷ steady p99 | ${x(r.discode.windows.p99 / r.discode.steady.p99)} | ${x(r.traditional.windows.p99 / r.traditional.steady.p99)} | |`,
    `| listen-queue overflows in the app (SYN dropped, retried after 1 s) | ${r.discode.listenOverflows} | ${r.traditional.listenOverflows} | |`,
    `| failed requests outside the windows | ${r.discode.failedOutside} | ${r.traditional.failedOutside} (after the window, before the next update: counted in that update) | |`,
    `| autocannon's own counters: answers / non-2xx / errors / timeouts (incl. warm-up) | ${int(r.discode.autocannon.completed)} / ${r.discode.autocannon.non2xx} / ${r.discode.autocannon.errors} / ${r.discode.autocannon.timeouts} | ${int(r.traditional.autocannon.completed)} / ${r.traditional.autocannon.non2xx} / ${r.traditional.autocannon.errors} / ${r.traditional.autocannon.timeouts} | |`,
    '',
    '### Each discode switch',
    '',
    "Window: from the command's start to 1 s after it returned.",
    '',
    '| # | command | from → to | exit | wall s | requests | failed | p50 / p99 / max ms | p99 ÷ steady p99 | answers seen |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...r.discode.switches.map(
      (sw) =>
        `| ${sw.n} | \`${sw.command}\` | ${sw.from ?? '?'} → ${sw.to ?? '?'} | ${sw.code} | ${s(sw.wallMs)} | ${sw.summary.requests} | ${failedText(sw.summary)} | ${latencyText(sw.summary)} | ${x(sw.summary.p99 / r.discode.steady.p99)} | ${Object.entries(
          sw.versions,
        )
          .map(([body, n]) => `${body}: ${n}`)
          .join(', ')} |`,
    ),
    '',
    '### Each traditional update',
    '',
    'Window (latency): from `docker stop` to 1 s after `docker run` returned. Failures and downtime are counted from',
    '`docker stop` until the next update, since a new app still starting 1 s after `docker run` returned keeps failing',
    'requests; downtime runs from the first failed request to the first successful request sent after the last failed one.',
    '',
    '| # | from → to | docker stop s | docker run s | requests in window | failed | of which after the window | downtime s | p50 / p99 / max ms in window |',
    '|---|---|---|---|---|---|---|---|---|',
    ...r.traditional.updates.map(
      (u) =>
        `| ${u.n} | ${u.from} → ${u.to} | ${s(u.stopMs)} | ${s(u.runMs)} | ${u.summary.requests} | ${failedText(u.period)} | ${u.period.failed - u.summary.failed} | ${s(u.downtimeMs)} | ${latencyText(u.summary)} |`,
    ),
    '',
    ...clusterSection(r),
    '## 2. Where the time of an update goes',
    '',
    'Milliseconds per step, as `discode update|rollback --json` reports them under `timings`. **switch** is',
    "kamal-proxy's deploy: health wait + atomic switch + drain. **overhead** is discode's own: the command's wall time",
    '(spawn to exit, so including process start) minus the sum of its steps.',
    '',
    `| # | command | wall | ${STEPS.join(' | ')} | steps sum | overhead |`,
    `|---|---|---|${STEPS.map(() => '---').join('|')}|---|---|`,
    ...r.discode.switches.map(
      (sw) =>
        `| ${sw.n} | \`${sw.command.replace('discode ', '')}\` | ${Math.round(sw.wallMs)} | ${STEPS.map((step) => stepCell(sw, step)).join(' | ')} | ${Math.round(Object.values(sw.timings).reduce((a, b) => a + b, 0))} | ${Math.round(sw.overheadMs)} |`,
    ),
    medianRow('updates', d.updates),
    medianRow('rollbacks', d.rollbacks),
    '',
    "The overhead, split by the run's own `elapsed` (in its --json: `startupMs`, when the command began, and `totalMs`,",
    'both counted from the process start):',
    '',
    '| # | command | overhead | start-up (node, oclif, modules) | in the run, outside steps | spawn and exit |',
    '|---|---|---|---|---|---|',
    ...r.discode.switches.map((sw) => {
      const o = sw.overheadSplit
      if (!o) return `| ${sw.n} | \`${sw.command.replace('discode ', '')}\` | ${Math.round(sw.overheadMs)} | | | |`
      return `| ${sw.n} | \`${sw.command.replace('discode ', '')}\` | ${Math.round(sw.overheadMs)} | ${Math.round(o.startup)} | ${Math.round(o.inRun)} | ${Math.round(o.outsideRun)} |`
    }),
    splitMedianRow(r.discode.switches),
    '',
    `**start-up** is node's boot, oclif and loading the command's modules. Measured alone in the same run (section 3),`,
    `importing oclif's entry takes ${Math.round(oclifCoreImport(r))} ms above bare node (${Math.round(d.node)} ms), \`dist/commands/update.js\` with its whole`,
    `module graph ${Math.round(r.anatomy.commandImports.update)} ms (update imports the engine when it runs, so that part shows in the run). **in the run, outside steps** is discode's own work that no step`,
    'covers (lock, journal, reading and rendering the recipe, writing the record, printing); **spawn and exit** is the',
    "process's creation and teardown as the caller sees it.",
    `Two of the steps run a proxy client command (\`kamal-proxy list\` in **reconcile**, \`deploy\` in **switch**); one`,
    `\`kamal-proxy list\` costs ${Math.round(r.anatomy.proxyList)} ms here, a bare \`docker exec\` ${Math.round(r.anatomy.bareExec)} ms.`,
    '`pull` pulls from a registry on 127.0.0.1 with every layer already on the host (only the manifest travels);',
    'a download from a remote registry adds its transfer time to that step and to nothing else.',
    '',
    '## 3. Start-up cost',
    '',
    `Wall time from spawn to exit, ${r.startup.runs} runs each, the first three commands alternating, with ${r.startup.apps} apps installed behind one proxy.`,
    '',
    '| command | median ms | min | max | ÷ `node -e 0` |',
    '|---|---|---|---|---|',
    ...(
      [
        ['`node -e 0`', r.startup.node],
        ['`discode --version`', r.startup.version],
        ['`discode status --json --offline`', r.startup.status],
        ['`discode --version` without the autocomplete and not-found plugins', r.startup.versionWithoutPlugins ?? []],
        ['`discode status --json --offline` without them', r.startup.statusWithoutPlugins ?? []],
        ['`discode status --json --offline`, first after a change to the routes (lists the proxy again)', r.startup.statusListing ?? []],
      ] as [string, number[]][]
    ).map(
      ([label, values]) =>
        `| ${label} | ${ms(median(values), 0)} | ${ms(Math.min(...values), 0)} | ${ms(Math.max(...values), 0)} | ${x(median(values) / d.node)} |`,
    ),
    '',
    ...pluginCostLines(r),
    `Where it goes (median of ${r.anatomy.runs} runs each, a fresh node process that only imports the module, minus bare node):`,
    '',
    '| module or call | ms |',
    '|---|---|',
    ...Object.entries(r.anatomy.commandImports).map(
      ([name, v]) => `| import \`dist/commands/${name}.js\` (its whole module graph) | ${Math.round(v)} |`,
    ),
    ...Object.entries(r.anatomy.dependencyImports)
      .sort((a, b) => b[1] - a[1])
      .map(([name, v]) => `| import \`${name}\` alone | ${Math.round(v)} |`),
    `| \`docker exec <proxy> kamal-proxy list\` (${r.proxy.standin ? 'stand-in' : 'kamal-proxy'} client) | ${Math.round(r.anatomy.proxyList)} |`,
    `| \`docker exec <app> true\` (bare exec, for comparison) | ${Math.round(r.anatomy.bareExec)} |`,
    '',
    `So \`status --json --offline\` (${Math.round(d.status)} ms) ≈ bare node ${Math.round(d.node)} ms + importing its module graph`,
    `${Math.round(r.anatomy.commandImports.status)} ms (oclif's parts included) + the rest ${Math.round(d.status - d.startupEstimate.status)} ms: oclif's configuration (reading its plugins' manifests) and its work (one container listing,`,
    `one inspect of the proxy and one stat of the proxy's state file, sent together while the ${r.startup.apps} records are read) and printing.`,
    `Of that, status's start-up (its \`elapsed.startupMs\`: node, oclif and its modules, before it asks Docker anything) is`,
    `${ms(median(r.startup.statusStartup), 0)} ms, ${x(median(r.startup.statusStartup) / d.node)} bare node.`,
    `\`status\` needs the proxy's routes to tell \`serving\` from \`not-routed\` or \`paused\`, and kamal-proxy gives them only through its`,
    `client inside its container (\`kamal-proxy list\`, ${Math.round(r.anatomy.proxyList)} ms here, most of it the \`docker exec\`). kamal-proxy rewrites its state`,
    "file after every change to its routes, so status keeps its last listing with that file's size and mtime (read through Docker's",
    'archive API: no process starts in the container, and the content, which is internal to kamal-proxy, is never read) and lists',
    'again only when they, or the proxy container, changed. The timed runs follow an untimed round, which listed; the first',
    'status after any change to the routes pays one `kamal-proxy list` more.',
    '',
    '## 4. Scale: many apps behind one proxy',
    '',
    `${r.scale.apps} apps installed by discode, each on its own host name, plus the traditional route: ${r.scale.routes} routes on one proxy.`,
    '',
    '| | |',
    '|---|---|',
    `| \`discode status --json --offline\`, median of ${r.scale.statusOffline.length} | ${ms(median(r.scale.statusOffline), 0)} ms (${x(median(r.scale.statusOffline) / d.node)} \`node -e 0\`; with ${r.startup.apps} apps: ${ms(d.status, 0)} ms) |`,
    `| \`discode status --json\` (reads ${r.scale.apps} feeds), median of ${r.scale.statusOnline.length} | ${ms(median(r.scale.statusOnline), 0)} ms |`,
    `| load during the switches | ${c.rate} req/s asked (${r.scale.load.achievedRate.toFixed(0)} achieved) over ${r.scale.load.hosts} host names (every app), ${int(r.scale.load.all.requests)} requests |`,
    `| failed requests on the other ${r.scale.apps - 1} apps | ${failedText(r.scale.load.others)} of ${int(r.scale.load.others.requests)} |`,
    `| failed requests on the switched app | ${failedText(r.scale.load.target)} of ${int(r.scale.load.target.requests)} |`,
    `| latency, other apps (p50 / p99 / max ms) | ${latencyText(r.scale.load.others)} |`,
    `| listen-queue overflows in the apps' containers (read at the end) | ${r.scale.load.listenOverflows} |`,
    '',
    '| command | exit | wall s | others: requests, failed, p99 ms | switched app: requests, failed, p99 ms |',
    '|---|---|---|---|---|',
    ...r.scale.switches.map(
      (sw) =>
        `| \`${sw.command}\` | ${sw.code} | ${s(sw.wallMs)} | ${sw.others.requests}, ${failedText(sw.others)}, ${ms(sw.others.p99)} | ${sw.target.requests}, ${failedText(sw.target)}, ${ms(sw.target.p99)} |`,
    ),
    '',
    '## How it is measured',
    '',
    `- **World**: its own \`DISCODE_HOME\`, Docker network, proxy container and ports on 127.0.0.1 (\`createWorld\`), removed at the end, also on failure. Images: the keep-alive test app (\`test/fixtures/keepalive-app\`, \`/up\` health path) 1.0.0 / 1.1.0 / 1.2.0 from the local registry; a release feed on 127.0.0.1. The switched app's recipe has one \`preSwitch\` hook (a one-off container that appends a line to the app's volume), so **hooks** is measured too; health checks every 200 ms.`,
    `- **Load**: autocannon's programmatic API, a \`Host\` header per request, a fixed total rate of ${c.rate} req/s over ${c.connections} keep-alive connections (each keeps one request in flight, so they sustain the rate while a request takes under ${Math.round((1000 * c.connections) / c.rate)} ms; the achieved rate is reported), ${c.timeoutSeconds} s timeout. autocannon releases each connection's per-second quota at the start of a second, so the load runs as ${c.connections} autocannon instances of one connection at ${c.rate / c.connections} req/s whose seconds are staggered by ${Math.round(1000 / c.connections)} ms: a burst every ${Math.round(1000 / c.connections)} ms rather than one per second, which keeps the downtime resolution near ${Math.round(1000 / c.connections)} ms. Every answer and error is recorded with its send time (answer time minus autocannon's response time), status and host.`,
    `- **The test app** (\`test/fixtures/keepalive-app\`) is a small static-file server in C that keeps connections alive, as real app servers do, so the proxy reuses its upstream connections. (The e2e tests' busybox \`httpd\` answers one request per connection and listens with a backlog of 9: under load the kernel drops SYNs and the proxy's connect is retried after 1 s, a latency that has nothing to do with discode.) The benchmark still counts listen-queue drops (\`ListenOverflows\` of each app container's network namespace, read from the host) to show there are none.`,
    `- **Windows**: a request belongs to the window it was sent in; a switch window runs from the command's start to 1 s after it returned. **Steady state** is every other request after the ${c.warmupMs / 1000} s warm-up: ${c.baselineMs / 1000} s before the first switch, and the ${c.gapMs / 1000} s of steady load between two switches (after their windows). A failure is a non-2xx answer, a socket error or a timeout.`,
    '- **discode switches**: the built CLI (`bin/run.js`), `update APP --to V` and `rollback APP` alternating, with `--json`; wall time from spawn to exit.',
    '- **Traditional update**: the honest best case of stop-and-start. The route targets a fixed name held by a "network holder" container (like a Kubernetes pod\'s pause container), and the app runs in the holder\'s network namespace, so the name always resolves and a stopped app is refused at once (no DNS failures, no connect timeouts). Each update pulls the new image first (outside the window), then `docker stop` the serving container and `docker run` the new version in the same namespace; the proxy keeps its target and has nothing to do. This is what `docker compose pull && docker compose up -d` does to a single container, minus the recreate of its network endpoint.',
    '- **Start-up**: `node -e 0`, `discode --version` and `discode status --json --offline` alternate, after one untimed round; the median of each is compared. Then, apart, the same status with its last proxy listing deleted before each run (as the first status after a change to the routes).',
    "- **Cluster** (section 1b): `test/support/swarm.ts` makes 3 dockerd in network namespaces (10.250.0.11–13) with a registry on 10.250.0.1 over the local registry's storage; `discode cluster init` on the first, the others join, then `install --cluster --replicas 3`. The proxy image of the run is loaded into the manager; the load goes to it at 10.250.0.11 (a port free on this host). The stand is set up before the load and torn down after it, also on failure or Ctrl-C.",
    "- **Scale**: the load cycles over every app's host name while one app is updated then rolled back; requests are attributed to apps by their `Host` header (socket errors cannot be, and would count against the other apps).",
  )
  if (r.findings.length > 0) add('', '## Observations from this run', '', ...r.findings.map((f) => `- ${f}`))
  add('')
  return lines.join('\n')
}

export function renderSummary(r: Results): string {
  const d = derive(r)
  const rows = [
    '',
    `discode benchmark (${r.config.quick ? 'quick' : 'full'}, ${Math.round(r.totalSeconds)} s, ${r.config.rate} req/s, proxy ${r.proxy.image}${r.proxy.standin ? ' (stand-in)' : ''})`,
    `  discode switches:  ${r.discode.switches.length}, ${d.discodeFailed} failed of ${r.discode.all.requests} requests (${r.discode.achievedRate.toFixed(0)} req/s); p99 steady ${ms(r.discode.steady.p99)} ms, around switches ${ms(r.discode.windows.p99)} ms (${x(d.switchP99Ratio)})  ${mark(d.goals.zeroFailures && d.goals.p99)}`,
    `  traditional:       ${r.traditional.updates.length} updates, ${d.tradFailed} failed of ${r.traditional.all.requests}; per update median ${median(d.tradPerUpdate)} failed, ${s(median(d.tradDowntime))} s down (max ${s(Math.max(...d.tradDowntime))} s)`,
    `  update time:       median wall ${s(median(d.updates.map((u) => u.wallMs)))} s (switch ${s(median(d.updates.map((u) => u.timings.switch ?? 0)))} s, pull ${s(median(d.updates.map((u) => u.timings.pull ?? 0)))} s, start ${s(median(d.updates.map((u) => u.timings.start ?? 0)))} s, hooks ${s(median(d.updates.map((u) => u.timings.hooks ?? 0)))} s); discode overhead median ${s(d.medianOverhead)} s, max ${s(d.maxOverhead)} s, of which start-up ${s(median(r.discode.switches.flatMap((sw) => (sw.overheadSplit ? [sw.overheadSplit.startup] : []))))} s  ${mark(d.goals.overhead)}`,
    `  start-up:          node -e 0 ${ms(d.node, 0)} ms, --version ${ms(d.version, 0)} ms (${x(d.versionRatio)}), status --offline with ${r.startup.apps} apps ${ms(d.status, 0)} ms (${x(d.statusRatio)}; listing the proxy again ${ms(median(r.startup.statusListing ?? []), 0)} ms); autocomplete + not-found plugins (paired median): --version ${ms(pluginCost(r).version.median, 0)} ms, status ${ms(pluginCost(r).status.median, 0)} ms  ${mark(d.goals.startup)}`,
    `  start-up anatomy:  importing status's modules ${ms(r.anatomy.commandImports.status, 0)} ms, update's ${ms(r.anatomy.commandImports.update, 0)} ms (docker-modem alone ${ms(r.anatomy.dependencyImports['docker-modem'], 0)} ms); \`kamal-proxy list\` ${ms(r.anatomy.proxyList, 0)} ms vs bare docker exec ${ms(r.anatomy.bareExec, 0)} ms`,
    ...clusterSummaryLine(r),
    `  scale:             ${r.scale.apps} apps; others lost ${r.scale.load.others.failed} of ${r.scale.load.others.requests} requests during the switches; status --offline ${ms(median(r.scale.statusOffline), 0)} ms, status (feeds) ${ms(median(r.scale.statusOnline), 0)} ms  ${mark(d.goals.scale)}`,
  ]
  if (r.findings.length > 0) rows.push('  observations:', ...r.findings.map((f) => `    - ${f}`))
  return `${rows.join('\n')}\n`
}

function timelineSection(r: Results): string[] {
  if (!r.timeline) return []
  return [
    '## At a glance',
    '',
    `![Successful and failed requests per 100 ms and p99 latency, discode beside the stop-and-start update](${r.timeline.file})`,
    '',
    `The same steady load (${r.config.rate} req/s asked), ${(r.timeline.spanMs / 1000).toFixed(0)} s of each phase on the same scales, from 2 s before its first update:`,
    'green bars are successful requests per 100 ms (by the moment they were sent), red ones failed requests, the blue line',
    "the p99 latency of the successful requests in each 100 ms, and the yellow bands the update commands' run time",
    '(`discode update` / `rollback` from spawn to exit; `docker stop` + `docker run` for the other). The tables below cover every update.',
    '',
  ]
}

/** One command's cost of the plugins: with minus without, paired run by run (the same round), in ms. */
export interface PairedCost {
  median: number
  /** Quartiles of the paired differences: half the rounds fall between them. */
  q1: number
  q3: number
}

/**
 * Paired differences cancel the drift a shared machine puts into a long run (each round runs both right after
 * each other); NaN when not measured.
 */
export function pairedCost(withPlugins: number[], without: number[] = []): PairedCost {
  const diffs = withPlugins.slice(0, without.length).map((v, i) => v - without[i])
  const sorted = [...diffs].sort((a, b) => a - b)
  return {median: median(diffs), q1: percentile(sorted, 25), q3: percentile(sorted, 75)}
}

export function pluginCost(r: Results): {version: PairedCost; status: PairedCost} {
  return {
    version: pairedCost(r.startup.version, r.startup.versionWithoutPlugins),
    status: pairedCost(r.startup.status, r.startup.statusWithoutPlugins),
  }
}

/** No cost shows when zero lies within the middle half of the paired differences of both commands. */
export function pluginCostHidden(cost: {version: PairedCost; status: PairedCost}): boolean {
  return [cost.version, cost.status].every((c) => c.q1 <= 0 && c.q3 >= 0)
}

function pluginCostLines(r: Results): string[] {
  const cost = pluginCost(r)
  if (!Number.isFinite(cost.version.median)) return []
  const signed = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(0)}`
  const text = (c: PairedCost) => `${signed(c.median)} ms (half of the rounds between ${signed(c.q1)} and ${signed(c.q3)} ms)`
  return [
    `The plugins users expect at a terminal, \`@oclif/plugin-autocomplete\` (shell completion) and \`@oclif/plugin-not-found\`` +
      ` ("did you mean"), against the same CLI without them (a copy of its root whose package.json leaves them out), run by run in the same rounds:`,
    `\`--version\` ${text(cost.version)}, \`status --json --offline\` ${text(cost.status)} (median of the paired differences, with minus without).`,
    "oclif reads each plugin's package.json and manifest at start-up and loads a plugin's code only when one of its commands runs",
    `or its hook fires (\`command_not_found\`)${pluginCostHidden(cost) ? ': no cost shows above the run-to-run noise.' : '; **in this run a cost shows above the run-to-run noise**, worth a look.'}`,
    '',
  ]
}

function proxyParagraph(r: Results): string[] {
  if (r.proxy.standin)
    return [
      `The proxy is **the project's kamal-proxy stand-in** (\`${r.proxy.image}\`, a small Node server, \`test/fixtures/kamal-proxy\`), not`,
      '`basecamp/kamal-proxy`, which was neither on this machine nor pullable. Its proxying (keep-alive agent per target, health',
      'checks, atomic swap, drain) follows the real one, and its client is native like the real Go client, but its',
      'latency and throughput are those of a single-threaded Node proxy, not of the Go binary. Timings on a 2-core',
      'machine are noisy: compare the ratios measured within one run.',
    ]
  return [
    `The proxy is **kamal-proxy itself**: \`${r.proxy.description}\`. Timings on a 2-core machine are noisy:`,
    'compare the ratios measured within one run.',
  ]
}

/** The import time of oclif's entry, which a command's module graph includes too. */
function oclifCoreImport(r: Results): number {
  return r.anatomy.dependencyImports[OCLIF_ENTRY] ?? 0
}

/** The Goals table (issue #25's targets), each figure beside the previous run's. */
function goalRows(r: Results, d: ReturnType<typeof derive>, previous: PreviousRun | undefined): string[] {
  const row = (goal: string, target: string, measured: string, met: boolean) =>
    `| ${goal} | ${target} | ${measured} | ${previousCell(previous, goal)} | ${mark(met)} |`
  const listing = x(median(r.startup.statusListing ?? []) / d.node)
  return [
    `| goal | target | measured | previous run (${previous?.date ?? '–'}) | |`,
    '|---|---|---|---|---|',
    row(
      `no failed request over all discode switches, at ≥ ${MIN_RATE} req/s achieved`,
      '0',
      `${d.discodeFailed} failed of ${int(r.discode.all.requests)} requests over ${r.discode.switches.length} switches (${r.discode.achievedRate.toFixed(0)} req/s achieved)${d.commandsFailed > 0 ? `; ${d.commandsFailed} command(s) failed` : ''}`,
      d.goals.zeroFailures,
    ),
    row(
      'p99 latency around a switch vs steady state',
      '≤ 2×',
      `${x(d.switchP99Ratio)} (${ms(r.discode.windows.p99)} ms vs ${ms(r.discode.steady.p99)} ms); worst single switch ${x(d.worstSwitchRatio)}`,
      d.goals.p99,
    ),
    row(
      "discode's own overhead per update or rollback",
      '≤ 0.3 s (median)',
      `median ${s(d.medianOverhead)} s, max ${s(d.maxOverhead)} s`,
      d.goals.overhead,
    ),
    row(
      'a 3-node cluster update against the same update on one host',
      '≤ 1.5×',
      r.cluster
        ? `${x(d.clusterRatio)} (median ${s(medianWall(r.cluster.switches, 'update'))} s vs ${s(medianWall(r.discode.switches, 'update'))} s)`
        : 'not measured',
      d.goals.cluster,
    ),
    row(
      `start-up vs bare \`node -e 0\` (median of ${r.startup.runs})`,
      '≤ 2×',
      `\`--version\` ${x(d.versionRatio)}, \`status --json --offline\` with ${r.startup.apps} apps ${x(d.statusRatio)} (the first after a change to the routes, which lists the proxy again: ${listing})`,
      d.goals.startup,
    ),
    row(
      `updating one of ${r.scale.apps} apps fails no request on the others`,
      '0',
      `${r.scale.load.others.failed} failed of ${int(r.scale.load.others.requests)} (${r.scale.load.achievedRate.toFixed(0)} req/s achieved over ${r.scale.load.hosts} host names)`,
      d.goals.scale,
    ),
  ]
}
