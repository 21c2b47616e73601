/**
 * The request loop `recipes test` keeps on the app while it is updated and rolled back: GETs, one
 * after the other, to the world's proxy on 127.0.0.1 with the app's Host header. A request fails when
 * it gets no answer or a 5xx (the proxy's 502/503/504 when no release could take it).
 */
import http from 'node:http'

export interface LoopStats {
  requests: number
  failed: number
  /** The first few reasons, e.g. `HTTP 502` or `ECONNRESET`, with how often each happened. */
  failures: Record<string, number>
  /** The longest request: what a customer waits at worst (held requests with the pause strategy). */
  longestMs: number
}

export interface RequestLoop {
  stats(): LoopStats
  stop(): Promise<LoopStats>
}

const REQUEST_TIMEOUT_MS = 60_000

/** One GET: its outcome (undefined = ok, else the reason) and duration. */
function get(agent: http.Agent, port: number, host: string, path: string): Promise<{failure?: string; ms: number}> {
  const started = performance.now()
  return new Promise((resolve) => {
    const done = (failure?: string) => resolve({failure, ms: performance.now() - started})
    const request = http.get({host: '127.0.0.1', port, path, agent, headers: {host}, timeout: REQUEST_TIMEOUT_MS}, (response) => {
      response.resume()
      response.on('end', () => done((response.statusCode ?? 0) >= 500 ? `HTTP ${response.statusCode}` : undefined))
      response.on('error', (error) => done((error as NodeJS.ErrnoException).code ?? error.message))
    })
    request.on('timeout', () => request.destroy(new Error('timeout')))
    request.on('error', (error) => done((error as NodeJS.ErrnoException).code ?? error.message))
  })
}

export function startRequestLoop(options: {port: number; host: string; path?: string; concurrency?: number}): RequestLoop {
  const stats: LoopStats = {requests: 0, failed: 0, failures: {}, longestMs: 0}
  const agent = new http.Agent({keepAlive: true})
  let running = true
  const worker = async () => {
    while (running) {
      const {failure, ms} = await get(agent, options.port, options.host, options.path ?? '/')
      stats.requests++
      stats.longestMs = Math.max(stats.longestMs, Math.round(ms))
      if (failure) {
        stats.failed++
        stats.failures[failure] = (stats.failures[failure] ?? 0) + 1
        // A refused connection answers at once: do not spin.
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    }
  }
  const workers = Array.from({length: options.concurrency ?? 2}, worker)
  return {
    stats: () => ({...stats, failures: {...stats.failures}}),
    async stop() {
      running = false
      await Promise.all(workers)
      agent.destroy()
      return {...stats, failures: {...stats.failures}}
    },
  }
}
