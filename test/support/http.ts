/**
 * HTTP helpers for tests: a release-feed server on 127.0.0.1, a bounded request loop that measures
 * availability through the proxy, a one-shot GET, and a polling `eventually`.
 * All traffic goes to the URLs the tests pass in (127.0.0.1 / localhost only).
 */
import assert from 'node:assert/strict'
import http from 'node:http'
import type {AddressInfo} from 'node:net'

// ---------------------------------------------------------------- feed server

export interface RawOptions {
  /** HTTP status, default 200. */
  status?: number
  /** Wait this long before answering (the request still counts at once). */
  delayMs?: number
  /** Content-Type, default application/json. */
  contentType?: string
}

/** A release feed served over HTTP on 127.0.0.1 (random port), content changeable between calls. */
export interface FeedServer {
  /** `http://127.0.0.1:PORT/feed.json`; every path on the server answers with the same content. */
  url: string
  /** Serve `doc` as JSON (200, application/json). */
  setFeed(doc: unknown): void
  /** Serve these exact bytes, with an optional status, delay and content type. */
  setRaw(body: string | Buffer, opts?: RawOptions): void
  /** Requests received so far. */
  readonly requests: number
  close(): Promise<void>
}

interface FeedResponse {
  body: Buffer
  status: number
  delayMs: number
  contentType: string
}

export async function startFeedServer(initial?: unknown, options: {port?: number} = {}): Promise<FeedServer> {
  let current: FeedResponse =
    initial === undefined ? {body: Buffer.from('no feed set\n'), status: 404, delayMs: 0, contentType: 'text/plain'} : jsonResponse(initial)
  let requests = 0
  const timers = new Set<NodeJS.Timeout>()

  const server = http.createServer((req, res) => {
    requests++
    const response = current // the content at arrival time, even if it changes during a delay
    const send = () => {
      if (res.destroyed) return
      res.writeHead(response.status, {
        'content-type': response.contentType,
        'content-length': response.body.length,
        'cache-control': 'no-store',
      })
      res.end(req.method === 'HEAD' ? undefined : response.body)
    }
    if (response.delayMs > 0) {
      const timer = setTimeout(() => {
        timers.delete(timer)
        send()
      }, response.delayMs)
      timers.add(timer)
    } else {
      send()
    }
  })
  server.keepAliveTimeout = 1000

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const {port} = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}/feed.json`,
    setFeed(doc: unknown) {
      current = jsonResponse(doc)
    },
    setRaw(body: string | Buffer, opts: RawOptions = {}) {
      current = {
        body: Buffer.isBuffer(body) ? body : Buffer.from(body),
        status: opts.status ?? 200,
        delayMs: opts.delayMs ?? 0,
        contentType: opts.contentType ?? 'application/json',
      }
    },
    get requests() {
      return requests
    },
    close() {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      return new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}

function jsonResponse(doc: unknown): FeedResponse {
  return {body: Buffer.from(JSON.stringify(doc, null, 2) + '\n'), status: 200, delayMs: 0, contentType: 'application/json'}
}

// ---------------------------------------------------------------- one GET

export interface GetOptions {
  /** Host header to send (e.g. the app's host name behind kamal-proxy). */
  host?: string
  /** Whole-request timeout, default 5000 ms. */
  timeoutMs?: number
}

/** GET once (fresh connection) and return the status and the body. Rejects on a socket error or timeout. */
export function httpGet(url: string, opts: GetOptions = {}): Promise<{status: number; body: string}> {
  return request(url, {host: opts.host, timeoutMs: opts.timeoutMs ?? 5000, agent: false})
}

function request(
  url: string,
  opts: {host?: string; timeoutMs: number; agent: http.Agent | false},
): Promise<{status: number; body: string}> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = {}
    if (opts.host) headers.host = opts.host
    let settled = false
    const finish = (error: Error | undefined, value?: {status: number; body: string}) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (error) reject(error)
      else resolve(value!)
    }
    const req = http.get(url, {headers, agent: opts.agent}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => finish(undefined, {status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8')}))
      res.on('error', (error) => finish(error))
      res.on('aborted', () => finish(new Error('response aborted')))
    })
    const timer = setTimeout(() => {
      finish(Object.assign(new Error(`timeout after ${opts.timeoutMs} ms`), {code: 'ETIMEDOUT'}))
      req.destroy()
    }, opts.timeoutMs)
    req.on('error', (error) => finish(error))
  })
}

// ---------------------------------------------------------------- request loop

export interface LoopResult {
  total: number
  /** Non-2xx answers, socket errors and timeouts. */
  failures: number
  /** The first few failures, e.g. `503 <body>` or `ECONNREFUSED ...`. */
  failureSamples: string[]
  /** Body of each 2xx answer -> how many times it was seen. */
  bodies: Map<string, number>
  maxLatencyMs: number
}

export interface RequestLoop {
  /** Stop sending, wait for the requests in flight, and return the totals. */
  stop(): Promise<LoopResult>
  /** Totals so far (a copy). */
  snapshot(): LoopResult
}

export interface LoopOptions {
  host?: string
  /** Requests kept in flight, default 4. */
  concurrency?: number
  /** Per-request timeout, default 5000 ms. */
  timeoutMs?: number
  /** The loop stops by itself after this long even without stop(), default 10 minutes. */
  maxDurationMs?: number
}

const MAX_SAMPLES = 20
/** Pause after a failure so a loop against a dead port does not spin. */
const FAILURE_PAUSE_MS = 10

/**
 * Keep `concurrency` GET requests in flight against `url` (keep-alive sockets, reused across a
 * switch as real clients do) until stop() or the hard cap.
 */
export function startRequestLoop(url: string, opts: LoopOptions = {}): RequestLoop {
  const concurrency = Math.max(1, opts.concurrency ?? 4)
  const timeoutMs = opts.timeoutMs ?? 5000
  const agent = new http.Agent({keepAlive: true, maxSockets: concurrency})
  const result: LoopResult = {total: 0, failures: 0, failureSamples: [], bodies: new Map(), maxLatencyMs: 0}
  let stopped = false
  const cap = setTimeout(
    () => {
      stopped = true
    },
    opts.maxDurationMs ?? 10 * 60_000,
  )
  cap.unref()

  const fail = (sample: string) => {
    result.failures++
    if (result.failureSamples.length < MAX_SAMPLES) result.failureSamples.push(sample)
  }

  const worker = async () => {
    while (!stopped) {
      const started = performance.now()
      let failed = false
      try {
        const {status, body} = await request(url, {host: opts.host, timeoutMs, agent})
        if (status >= 200 && status < 300) {
          result.bodies.set(body, (result.bodies.get(body) ?? 0) + 1)
        } else {
          failed = true
          fail(`${status} ${body.slice(0, 200).trim()}`)
        }
      } catch (error) {
        failed = true
        const err = error as NodeJS.ErrnoException
        fail(`${err.code ?? 'ERROR'} ${err.message}`)
      }
      result.total++
      result.maxLatencyMs = Math.max(result.maxLatencyMs, performance.now() - started)
      if (failed && !stopped) await new Promise((resolve) => setTimeout(resolve, FAILURE_PAUSE_MS))
    }
  }
  const workers = Promise.all(Array.from({length: concurrency}, () => worker()))

  const snapshot = (): LoopResult => ({
    ...result,
    failureSamples: [...result.failureSamples],
    bodies: new Map(result.bodies),
  })

  let stopping: Promise<LoopResult> | undefined
  return {
    snapshot,
    stop() {
      stopping ??= (async () => {
        stopped = true
        clearTimeout(cap)
        await workers // each request in flight ends within timeoutMs
        agent.destroy()
        return snapshot()
      })()
      return stopping
    },
  }
}

/**
 * Runs `work` while a request loop goes through the proxy, and keeps the loop going half a second
 * after it (late failures, e.g. an old container stopped too early, show up there); returns what the
 * loop saw.
 */
export async function loadDuring(url: string, options: LoopOptions, work: () => Promise<void>): Promise<LoopResult> {
  const loop = startRequestLoop(url, {concurrency: 4, ...options})
  try {
    await work()
  } finally {
    await new Promise((r) => setTimeout(r, 500))
  }
  return loop.stop()
}

/** A loop that sent enough requests to mean something, and none of them failed. */
export function assertNoFailedRequests(result: LoopResult, what = 'request'): void {
  assert.ok(result.total > 20, `the ${what} loop sent only ${result.total} requests`)
  assert.equal(result.failures, 0, `failed ${what}s: ${result.failureSamples.join(' | ')}`)
}

// ---------------------------------------------------------------- eventually

/**
 * Call fn every intervalMs (default 200) until it resolves to a truthy value, and return that value.
 * Errors thrown by fn count as "not yet". After timeoutMs (default 30 s) reject with the last value
 * or error in the message.
 */
export async function eventually<T>(fn: () => Promise<T>, opts: {timeoutMs?: number; intervalMs?: number} = {}): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? 30_000
  const intervalMs = opts.intervalMs ?? 200
  const deadline = Date.now() + timeoutMs
  let last: string = 'never ran'
  for (;;) {
    try {
      const value = await fn()
      if (value) return value as NonNullable<T>
      last = `last value: ${JSON.stringify(value)}`
    } catch (error) {
      last = `last error: ${(error as Error)?.message ?? String(error)}`
    }
    if (Date.now() + intervalMs > deadline) throw new Error(`eventually: timed out after ${timeoutMs} ms (${last})`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}
