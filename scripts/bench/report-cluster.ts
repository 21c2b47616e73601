/** The cluster row of docs/benchmarks.md and of the printed summary: 3 nodes beside one host, same run. */
import {median} from './stats.js'
import type {Summary} from './stats.js'
import type {ClusterReport, Results, SwitchResult} from './types.js'

const ms = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '–')
const s = (v: number, digits = 2) => (Number.isFinite(v) ? (v / 1000).toFixed(digits) : '–')
const x = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '–')
const int = (v: number) => v.toLocaleString('en-US')
const latency = (summary: Summary) => `${ms(summary.p50)} / ${ms(summary.p99)} / ${ms(summary.max)}`
const failed = (summary: Summary) =>
  summary.failed === 0
    ? '0'
    : `${summary.failed} (${Object.entries(summary.failures)
        .sort((a, b) => b[1] - a[1])
        .map(([what, n]) => `${n}× ${what}`)
        .join(', ')})`

/** "swnode1: 1, swnode2: 1, swnode3: 1" */
export function placementText(nodes: Record<string, number>): string {
  const entries = Object.entries(nodes).sort((a, b) => a[0].localeCompare(b[0]))
  return entries.length === 0 ? '–' : entries.map(([node, n]) => `${node}: ${n}`).join(', ')
}

/** Median wall time (ms) of the successful switches of one kind ('update' or 'rollback'). */
export function medianWall(switches: SwitchResult[], kind: 'update' | 'rollback'): number {
  return median(switches.filter((sw) => sw.code === 0 && sw.command.startsWith(`discode ${kind}`)).map((sw) => sw.wallMs))
}

function stepMedian(switches: SwitchResult[], step: string): number {
  return median(switches.flatMap((sw) => (sw.code === 0 && sw.timings[step] !== undefined ? [sw.timings[step]] : [])))
}

function comparisonRows(one: Results['discode'], three: ClusterReport): string[] {
  const row = (label: string, a: string, b: string, ratio = '') => `| ${label} | ${a} | ${b} |${ratio ? ` ${ratio} ` : ' '}|`
  const perSwitch = (r: {switches: SwitchResult[]}) => r.switches.map((sw) => sw.summary.failed)
  const wall = (r: {switches: SwitchResult[]}, kind: 'update' | 'rollback') => medianWall(r.switches, kind)
  return [
    '| | one host (section 1) | 3-node cluster | cluster ÷ one host |',
    '|---|---|---|---|',
    row('switches (updates and rollbacks, alternating)', String(one.switches.length), String(three.switches.length)),
    row(
      'requests sent (after the warm-up), achieved rate',
      `${int(one.all.requests)}, ${one.achievedRate.toFixed(0)} req/s`,
      `${int(three.all.requests)}, ${three.achievedRate.toFixed(0)} req/s`,
    ),
    row('failed requests, all', failed(one.all), failed(three.all)),
    row('failed requests in the switch windows', failed(one.windows), failed(three.windows)),
    row(
      'failed requests per switch (median, max)',
      `${median(perSwitch(one))}, ${Math.max(...perSwitch(one))}`,
      `${median(perSwitch(three))}, ${Math.max(...perSwitch(three))}`,
    ),
    row('latency, steady state (p50 / p99 / max ms)', latency(one.steady), latency(three.steady), x(three.steady.p99 / one.steady.p99)),
    row('latency, in the switch windows', latency(one.windows), latency(three.windows), x(three.windows.p99 / one.windows.p99)),
    row('p99 in windows ÷ steady p99', x(one.windows.p99 / one.steady.p99), x(three.windows.p99 / three.steady.p99)),
    row(
      'command time, s (median update, rollback)',
      `${s(wall(one, 'update'))}, ${s(wall(one, 'rollback'))}`,
      `${s(wall(three, 'update'))}, ${s(wall(three, 'rollback'))}`,
      x(wall(three, 'update') / wall(one, 'update')),
    ),
    ...['start', 'hooks', 'switch', 'retire'].map((step) =>
      row(
        `… of which **${step}**, s (median)`,
        s(stepMedian(one.switches, step)),
        s(stepMedian(three.switches, step)),
        x(stepMedian(three.switches, step) / stepMedian(one.switches, step)),
      ),
    ),
    row('listen-queue overflows in the app', String(one.listenOverflows), String(three.listenOverflows)),
  ]
}

export function clusterSection(r: Results): string[] {
  const c = r.cluster
  if (!c) return []
  return [
    '## 1b. The same switches on a 3-node cluster',
    '',
    `The same app (the keep-alive test app, with its \`preSwitch\` hook and no volume) installed with \`discode install --cluster --replicas ${c.replicas}\``,
    `on a ${c.nodes}-node Docker Swarm, under the same load (${r.config.rate} req/s asked, ${r.config.connections} connections), with ${c.switches.length} switches`,
    `(\`update --no-snapshot\` / \`rollback --keep-data\`, alternating), right after the one-host phase of the same run.`,
    '',
    `**How this differs from one host.** The ${c.nodes} nodes are not ${c.nodes} machines: they are ${c.nodes} more dockerd, each in its own network`,
    `namespace (the test stand, \`test/support/swarm.ts\`), on **the same ${r.machine.cpu ?? 'cores'}** as everything else, beside the host's`,
    'own dockerd. Each release is a Swarm service (`APP-<key>`, endpoint mode dnsrr) of one replica per node; kamal-proxy runs as a',
    "container on the manager and targets the service's name, and reaches the replicas on the other two nodes over the cluster's",
    'VXLAN overlay network (encapsulated through veth pairs and a bridge, all in this kernel). Hooks run as Swarm jobs, a release',
    "starts only once every replica is healthy, and the old service is scaled to 0 after the switch. So a cluster's switch does",
    'more work on the same CPU, and requests served by the replicas on the workers cross the overlay: these numbers show what',
    'the cluster path costs and whether it loses requests, not what separate machines on a LAN would measure.',
    '',
    ...comparisonRows(r.discode, c),
    '',
    `Replicas per node (\`discode cluster status\`): after the install ${placementText(c.placement.installed)}; after the last switch ${placementText(c.placement.end)}.`,
    `Setting up (not under load): the stand ${c.setup.standS.toFixed(0)} s (including any wait for another run's stand), \`cluster init\` and the joins ${c.setup.joinS.toFixed(0)} s,`,
    `the install ${c.setup.installS.toFixed(0)} s; tearing it down ${c.setup.teardownS.toFixed(0)} s.`,
    '',
    '| # | command | from → to | exit | wall s | requests | failed | p50 / p99 / max ms | p99 ÷ steady p99 | answers seen |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...c.switches.map(
      (sw) =>
        `| ${sw.n} | \`${sw.command}\` | ${sw.from ?? '?'} → ${sw.to ?? '?'} | ${sw.code} | ${s(sw.wallMs)} | ${sw.summary.requests} | ${failed(sw.summary)} | ${latency(sw.summary)} | ${x(sw.summary.p99 / c.steady.p99)} | ${Object.entries(
          sw.versions,
        )
          .map(([body, n]) => `${body}: ${n}`)
          .join(', ')} |`,
    ),
    '',
  ]
}

export function clusterSummaryLine(r: Results): string[] {
  const c = r.cluster
  if (!c) return []
  return [
    `  cluster, 3 nodes:  ${c.switches.length} switches, ${c.all.failed} failed of ${c.all.requests} requests (${c.achievedRate.toFixed(0)} req/s); p99 steady ${ms(c.steady.p99)} ms, around switches ${ms(c.windows.p99)} ms (${x(c.windows.p99 / c.steady.p99)}); one host: ${r.discode.all.failed} failed, p99 ${ms(r.discode.steady.p99)} / ${ms(r.discode.windows.p99)} ms; median update ${s(medianWall(c.switches, 'update'))} s (one host ${s(medianWall(r.discode.switches, 'update'))} s)`,
  ]
}
