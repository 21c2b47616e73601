/**
 * Steady HTTP load through the proxy with autocannon's programmatic API, keeping one record per request
 * (start, end, status, host, body) so that windows around each switch can be cut out afterwards.
 *
 * autocannon's rate limit hands each connection its quota at the start of every second, and the
 * connection spends it back to back. With one instance of N connections every connection bursts at the
 * same instant, which leaves most of each second without a request and would blur the measured
 * downtime to about a second. So the load is N autocannon instances of one connection each, at
 * rate/N requests per second, their seconds staggered by 1000/N ms: a request burst every 1000/N ms.
 *
 * Bounded: every instance has a hard `duration`, and stop() ends them all.
 */
import {setTimeout as sleep} from 'node:timers/promises'

import autocannon, {type AutocannonResult, type Instance} from 'autocannon'

import type {BenchConfig} from './types.js'

export interface RequestRecord {
  /** performance.now() when the request was sent (ms). */
  start: number
  /** performance.now() when the answer (or the error) came (ms). */
  end: number
  /** HTTP status; 0 for a socket error or a timeout. */
  status: number
  /** Index into the hosts the load was started with; -1 when unknown (socket errors). */
  host: number
  /** The answer's body for 2xx answers (e.g. "version=1.1.0\n"). */
  body?: string
  /** The error message for status 0. */
  error?: string
}

export interface LoadOptions {
  /** The proxy's address, e.g. http://127.0.0.1:PORT/ */
  url: string
  /** Host headers; each connection cycles through them in order. */
  hosts: string[]
  /** Requests per second, all connections together. */
  rate: number
  /** Connections (= autocannon instances, one connection each). */
  connections: number
  /** Hard cap on the run's length. */
  maxSeconds: number
  /** Per-request timeout. */
  timeoutSeconds: number
}

export interface LoadTotals {
  /** autocannon's own counters, summed over the instances (a cross-check of the records). */
  autocannon: {completed: number; non2xx: number; errors: number; timeouts: number}
  records: RequestRecord[]
}

export interface Load {
  readonly records: RequestRecord[]
  /** Stop sending, wait for every instance to report, and return the totals. */
  stop(): Promise<LoadTotals>
}

export function startLoad(options: LoadOptions): Load {
  const records: RequestRecord[] = []
  const connections = Math.max(1, Math.min(options.connections, options.rate))
  const instances: Instance[] = []
  const results: Promise<AutocannonResult>[] = []
  const timers: NodeJS.Timeout[] = []
  let stopped = false

  const launch = (index: number) => {
    if (stopped) return
    // The rate split as evenly as integers allow.
    const rate = Math.floor(options.rate / connections) + (index < options.rate % connections ? 1 : 0)
    // The answer being handled: request.onResponse runs just before the instance's `response` event,
    // in the same call stack, so the pair can be matched through this variable.
    let answered: {host: number; body: string} | undefined
    let settle!: (result: AutocannonResult) => void
    results.push(new Promise((resolve) => (settle = resolve)))
    const instance = autocannon(
      {
        url: options.url,
        connections: 1,
        overallRate: rate,
        duration: options.maxSeconds,
        timeout: options.timeoutSeconds,
        requests: options.hosts.map((host, h) => ({
          method: 'GET',
          path: '/',
          headers: {host},
          onResponse: (_status: number, body: string) => {
            answered = {host: h, body}
          },
        })),
      },
      (error, result) => settle(error ? emptyResult() : result),
    )
    instance.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
      const end = performance.now()
      const record: RequestRecord = {start: end - responseTime, end, status, host: answered?.host ?? -1}
      if (status >= 200 && status < 300) record.body = answered?.body
      else record.body = answered?.body?.slice(0, 120)
      answered = undefined
      records.push(record)
    })
    instance.on('reqError', (error: Error) => {
      const end = performance.now()
      const timedOut = /timed out/i.test(error.message)
      records.push({start: timedOut ? end - options.timeoutSeconds * 1000 : end, end, status: 0, host: -1, error: error.message})
    })
    instances.push(instance)
  }

  for (let i = 0; i < connections; i++) {
    const delay = Math.round((i * 1000) / connections)
    if (delay === 0) launch(i)
    else timers.push(setTimeout(() => launch(i), delay))
  }

  let stopping: Promise<LoadTotals> | undefined
  return {
    records,
    stop() {
      stopping ??= (async () => {
        stopped = true
        for (const timer of timers) clearTimeout(timer)
        for (const instance of instances) instance.stop()
        const done = await Promise.all(results)
        const sum = (pick: (r: AutocannonResult) => number) => done.reduce((total, r) => total + (pick(r) || 0), 0)
        return {
          records,
          autocannon: {
            completed: sum((r) => r.requests?.total),
            non2xx: sum((r) => r.non2xx),
            errors: sum((r) => r.errors),
            timeouts: sum((r) => r.timeouts),
          },
        }
      })()
      return stopping
    },
  }
}

function emptyResult(): AutocannonResult {
  return {requests: {total: 0, sent: 0}, errors: 0, timeouts: 0, non2xx: 0, statusCodeStats: {}, duration: 0}
}

/**
 * The steady load of a measured phase: started with the run's rate and connections, through the
 * warm-up (discarded) and the baseline; `track` lets the bench stop it on Ctrl-C. Returns the load,
 * when it started, and when measuring begins.
 */
export async function steadyLoad(
  url: string,
  hosts: string[],
  config: Pick<BenchConfig, 'rate' | 'connections' | 'timeoutSeconds' | 'warmupMs' | 'baselineMs'>,
  track: (load: Load) => void,
): Promise<{load: Load; loadStart: number; measureFrom: number}> {
  const load = startLoad({
    url,
    hosts,
    rate: config.rate,
    connections: config.connections,
    maxSeconds: 600,
    timeoutSeconds: config.timeoutSeconds,
  })
  track(load)
  const loadStart = performance.now()
  await sleep(config.warmupMs)
  const measureFrom = performance.now()
  await sleep(config.baselineMs)
  return {load, loadStart, measureFrom}
}
