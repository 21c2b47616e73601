/**
 * discode switches under a steady load, for any world: updates and rollbacks alternating on one app through
 * the built CLI while autocannon sends requests through the proxy; then the steady state and the window
 * around each switch cut out of the per-request records. The single-host phase and the cluster phase both
 * run it, so their numbers are measured alike.
 */
import {setTimeout as sleep} from 'node:timers/promises'

import type {World} from '../../test/support/discode.js'
import {timedDiscodeJson} from './cli.js'
import {type Load, type LoadTotals, type RequestRecord, steadyLoad} from './load.js'
import {bodies, downtimeMs, inAnyWindow, inWindow, summarize, type Window} from './stats.js'
import type {BenchConfig, LoadReport, SwitchResult} from './types.js'

/** The versions updates go to, in turn; every other switch rolls back to the one before. */
const TARGETS = ['1.1.0', '1.2.0']

/**
 * Switch `n` (from 1): odd ones update to the next target (with `updateArgs`), even ones roll back,
 * keeping the data as the vendor's hook allows (the bench's hooks only append a line).
 */
export function switchArgs(n: number, app: string, updateArgs: string[] = []): string[] {
  return n % 2 === 1 ? ['update', app, '--to', TARGETS[Math.floor(n / 2) % 2], ...updateArgs] : ['rollback', app, '--keep-data']
}

/** The first `Error:` line of a failed command's stderr, else its last line. */
export function firstLine(text: string): string {
  return text.split('\n').find((l) => l.startsWith('Error:')) ?? text.trim().split('\n').pop() ?? ''
}

export interface Reporting {
  config: BenchConfig
  /** Things worth the reader's attention, collected as the run goes. */
  findings: string[]
}

/** Requests per second actually sent after `from`; a finding when well under the asked rate. */
export function achieved(records: RequestRecord[], from: number, label: string, {config, findings}: Reporting): number {
  const last = records.reduce((max, r) => Math.max(max, r.start), from)
  const rate = records.length / Math.max(0.001, (last - from) / 1000)
  if (rate < 0.9 * config.rate) {
    const p50 = summarize(records).p50
    findings.push(
      `${label}: the load reached ${rate.toFixed(0)} req/s of the ${config.rate} asked: at a median latency of ${p50.toFixed(0)} ms, ${config.connections} connections (one request in flight each) cannot send more. Rerun on a quieter machine or with --connections.`,
    )
  }
  return rate
}

export function loadReport(
  totals: LoadTotals,
  measure: {from: number; windows: Window[]; durationS: number; label: string},
  reporting: Reporting,
): Omit<LoadReport, 'listenOverflows'> {
  const measured = totals.records.filter((r) => r.start >= measure.from)
  const achievedRate = achieved(measured, measure.from, measure.label, reporting)
  const inside = measured.filter((r) => inAnyWindow(r, measure.windows))
  const outside = measured.filter((r) => !inAnyWindow(r, measure.windows))
  const steady = summarize(outside)
  return {
    warmup: totals.records.length - measured.length,
    all: summarize(measured),
    steady,
    windows: summarize(inside),
    failedOutside: steady.failed,
    autocannon: totals.autocannon,
    durationS: measure.durationS,
    achievedRate,
  }
}

export interface SwitchRun extends Reporting {
  world: World
  app: string
  host: string
  switches: number
  /** Added to every update (e.g. `--no-snapshot`). */
  updateArgs?: string[]
  /** Names the phase in findings and progress lines. */
  label: string
  say(line: string): void
  /** Every load started, so that a Ctrl-C stops it. */
  track(load: Load): void
  /** Listen-queue overflows so far in the app's serving containers (read before each switch retires them). */
  overflows(): Promise<number>
}

async function oneSwitch(run: SwitchRun, n: number): Promise<SwitchResult> {
  const args = switchArgs(n, run.app, run.updateArgs)
  const result = await timedDiscodeJson(run.world, args)
  const timings: Record<string, number> = result.json?.timings ?? {}
  const stepSum = Object.values(timings).reduce((a, b) => a + b, 0)
  const elapsed: {startupMs: number; totalMs: number} | undefined = result.json?.elapsed
  const entry: SwitchResult = {
    n,
    command: `discode ${args.join(' ').replace(run.app, 'APP')}`,
    from: result.json?.from?.version,
    to: result.json?.to?.version,
    code: result.code,
    wallMs: result.wallMs,
    timings,
    overheadMs: result.wallMs - stepSum,
    overheadSplit: elapsed
      ? {startup: elapsed.startupMs, inRun: elapsed.totalMs - elapsed.startupMs - stepSum, outsideRun: result.wallMs - elapsed.totalMs}
      : undefined,
    window: {from: result.startedAt, to: result.endedAt + 1000},
    summary: summarize([]),
    downtimeMs: 0,
    versions: {},
  }
  if (result.code !== 0) {
    entry.error = firstLine(result.stderr)
    run.findings.push(`${run.label}: \`${entry.command}\` (switch ${n}) failed: ${entry.error}`)
  }
  run.say(
    `  ${n}. ${entry.command}: exit ${result.code}, ${entry.from ?? '?'} -> ${entry.to ?? '?'}, ${(result.wallMs / 1000).toFixed(2)} s`,
  )
  return entry
}

/** Warm-up, baseline, then `switches` switches with a gap of steady load after each; the records are returned too. */
export async function switchesUnderLoad(
  run: SwitchRun,
): Promise<{report: LoadReport & {switches: SwitchResult[]}; records: RequestRecord[]}> {
  const {config} = run
  const {load, loadStart, measureFrom} = await steadyLoad(`${run.world.url}/`, [run.host], config, (l) => run.track(l))
  const switches: SwitchResult[] = []
  let overflows = 0
  for (let n = 1; n <= run.switches; n++) {
    // The serving containers' whole life is behind them once the next switch retires them.
    overflows += await run.overflows()
    switches.push(await oneSwitch(run, n))
    await sleep(config.gapMs)
  }
  const totals = await load.stop()
  overflows += await run.overflows()
  for (const entry of switches) {
    const inside = totals.records.filter((r) => inWindow(r, entry.window))
    entry.summary = summarize(inside)
    entry.downtimeMs = downtimeMs(inside)
    entry.versions = bodies(inside)
  }
  const measure = {from: measureFrom, windows: switches.map((sw) => sw.window), durationS: (performance.now() - loadStart) / 1000}
  return {
    report: {...loadReport(totals, {...measure, label: run.label}, run), listenOverflows: overflows, switches},
    records: totals.records,
  }
}
