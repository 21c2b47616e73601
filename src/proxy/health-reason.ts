/**
 * Why kamal-proxy found a target unhealthy. The `deploy` command only says "target failed to become
 * healthy within configured timeout", whatever the cause; the reason is in the proxy's own log, as
 * JSON lines:
 *   {"msg":"Healthcheck failed","error":"Get \"http://app-1:80/up\": dial tcp 172.18.0.6:80: connect: connection refused"}
 *   {"msg":"Healthcheck failed","error":"Unexpected status (404)"}    then
 *   {"msg":"Target health updated","target":"app-1:80","success":false,"state":"adding"}
 * v0.8 and v0.9 name the target only in the error's URL or in the "Target health updated" line that
 * follows each check; later versions add a "url" attribute; the oldest logged a "status" attribute.
 */

interface LogLine {
  time?: string
  msg?: string
  error?: string
  status?: number
  url?: string
  target?: string
  success?: boolean
}

/** The last health-check error the proxy logged for `target` (host:port), at or after `since`. */
export function lastHealthCheckError(logText: string, target: string, since?: Date): string | undefined {
  const wanted = target.toLowerCase()
  let last: string | undefined
  // v0.8/v0.9: a failure without a URL belongs to the next "Target health updated" with success false.
  const waiting: string[] = []
  for (const line of logText.split('\n')) {
    const entry = parseLine(line)
    if (!entry || (since && entry.time && Date.parse(entry.time) < since.getTime())) continue
    if (entry.msg === 'Healthcheck failed') {
      const error = entry.error ?? (entry.status === undefined ? 'unknown error' : `Unexpected status (${entry.status})`)
      const named = hostOfUrl(entry.url) ?? hostOfUrl(/^Get "([^"]+)"/.exec(error)?.[1])
      if (named === undefined) waiting.push(error)
      else if (named === wanted) last = error
    } else if (entry.msg === 'Target health updated' && entry.success !== true) {
      const error = waiting.shift()
      if (error !== undefined && entry.target?.toLowerCase() === wanted) last = error
    } else if (entry.msg === 'Target health updated') {
      waiting.length = 0
    }
  }
  return last
}

function parseLine(line: string): LogLine | undefined {
  const start = line.indexOf('{')
  if (start === -1) return undefined
  try {
    const parsed = JSON.parse(line.slice(start)) as unknown
    return typeof parsed === 'object' && parsed !== null ? (parsed as LogLine) : undefined
  } catch {
    return undefined
  }
}

function hostOfUrl(url: string | undefined): string | undefined {
  if (!url) return undefined
  try {
    const parsed = new URL(url)
    return `${parsed.hostname}:${parsed.port || '80'}`.toLowerCase()
  } catch {
    return undefined
  }
}

export interface HealthFailure {
  /** What went wrong, in words: goes into the error message. */
  reason: string
  /** What to do about it. */
  hint: string
}

/** Turns the proxy's error for a check of `GET http://<target><path>` into a reason and a hint. */
export function describeHealthFailure(error: string, check: {target: string; path: string; network: string}): HealthFailure {
  const [host, port = '80'] = check.target.split(/:(?=\d+$)/)
  const status = /unexpected status \((\d+)\)/i.exec(error)?.[1]
  if (status) {
    return {
      reason: `the health check GET ${check.path} answered ${status}`,
      hint: `The app runs, but answers ${status} on ${check.path}: the recipe's health.path must answer 2xx once the app is ready`,
    }
  }
  if (/connection refused/i.test(error)) {
    return {
      reason: `connection refused on port ${port} of ${host}`,
      hint: `Nothing listens on port ${port} in the container: check the recipe's port (the app may listen on another one, or it exited)`,
    }
  }
  if (/no such host|server misbehaving|lookup /i.test(error)) {
    return {
      reason: `the proxy cannot resolve ${host}`,
      hint: `The proxy must be on network ${check.network} to reach the app ("discode proxy boot" attaches it), and the container must run`,
    }
  }
  if (/no route to host|network is unreachable/i.test(error)) {
    return {reason: `the proxy cannot reach ${host} (${error.replace(/^Get "[^"]*": /, '')})`, hint: `Check network ${check.network}`}
  }
  if (/timed out|timeout/i.test(error)) {
    return {
      reason: `the health check GET ${check.path} did not answer in time`,
      hint: "The app is too slow to answer its health check: raise the recipe's health.timeout, or look at the app's logs",
    }
  }
  return {reason: `the proxy reported: ${error}`, hint: 'See "discode proxy logs"'}
}
