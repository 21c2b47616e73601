/** Small statistics over the per-request records: windows, percentiles, failures, downtime. */
import type {RequestRecord} from './load.js'

export interface Window {
  /** performance.now() at the command's start (ms). */
  from: number
  /** performance.now() one second after the command returned (ms). */
  to: number
}

export const ok = (r: RequestRecord) => r.status >= 200 && r.status < 300

/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** A request belongs to the window it was sent in. */
export function inWindow(r: RequestRecord, w: Window): boolean {
  return r.start >= w.from && r.start < w.to
}

export function inAnyWindow(r: RequestRecord, windows: Window[]): boolean {
  return windows.some((w) => inWindow(r, w))
}

export interface Summary {
  requests: number
  /** Non-2xx answers. */
  non2xx: number
  /** Socket errors and timeouts (no HTTP answer). */
  errors: number
  failed: number
  /** Latency of the successful requests (ms). */
  p50: number
  p99: number
  max: number
  /** Status (or error) -> count, failures only. */
  failures: Record<string, number>
}

export function summarize(records: RequestRecord[]): Summary {
  const latencies = records
    .filter(ok)
    .map((r) => r.end - r.start)
    .sort((a, b) => a - b)
  const failures: Record<string, number> = {}
  let non2xx = 0
  let errors = 0
  for (const r of records) {
    if (ok(r)) continue
    if (r.status === 0) errors++
    else non2xx++
    const key = r.status === 0 ? (r.error ?? 'error') : String(r.status)
    failures[key] = (failures[key] ?? 0) + 1
  }
  return {
    requests: records.length,
    non2xx,
    errors,
    failed: non2xx + errors,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.length > 0 ? latencies[latencies.length - 1] : Number.NaN,
    failures,
  }
}

/**
 * The outage of one update: from the first failed request (sent) to the first successful request sent
 * after the last failed one. Failures interleaved with successes (a keep-alive socket that still works)
 * do not cut the outage short. 0 when nothing failed.
 */
export function downtimeMs(records: RequestRecord[]): number {
  const sorted = [...records].sort((a, b) => a.start - b.start)
  const failed = sorted.filter((r) => !ok(r))
  if (failed.length === 0) return 0
  const first = failed[0]
  const last = failed[failed.length - 1]
  const recovered = sorted.find((r) => ok(r) && r.start > last.start)
  return (recovered ? recovered.start : last.end) - first.start
}

/** Body -> count over the successful answers, e.g. {"version=1.0.0": 410}. */
export function bodies(records: RequestRecord[]): Record<string, number> {
  const seen: Record<string, number> = {}
  for (const r of records) {
    if (!ok(r)) continue
    const key = (r.body ?? '').trim() || '(empty)'
    seen[key] = (seen[key] ?? 0) + 1
  }
  return seen
}
