/**
 * The benchmark's picture: for discode and for the stop-and-start update, one panel each on the same time
 * scale, showing successful and failed requests per 100 ms and the p99 latency per 100 ms, with the
 * updates marked. Plain SVG text, no dependency. Binning, scales and ticks are pure and unit-tested.
 */
import type {RequestRecord} from './load.js'
import {ok, percentile} from './stats.js'

export interface Bin {
  /** Start of the bin, ms from the panel's start. */
  t: number
  ok: number
  failed: number
  /** p99 latency of the bin's successful requests (ms); NaN when it has none. */
  p99: number
}

/** Requests by the 100 ms (binMs) in which they were sent, from `from` for `spanMs`; later or earlier ones are left out. */
export function binRequests(records: RequestRecord[], from: number, spanMs: number, binMs = 100): Bin[] {
  const count = Math.ceil(spanMs / binMs)
  const latencies: number[][] = Array.from({length: count}, () => [])
  const bins: Bin[] = Array.from({length: count}, (_, i) => ({t: i * binMs, ok: 0, failed: 0, p99: Number.NaN}))
  for (const r of records) {
    const i = Math.floor((r.start - from) / binMs)
    if (i < 0 || i >= count) continue
    if (ok(r)) {
      bins[i].ok++
      latencies[i].push(r.end - r.start)
    } else bins[i].failed++
  }
  bins.forEach(
    (bin, i) =>
      (bin.p99 = percentile(
        latencies[i].sort((a, b) => a - b),
        99,
      )),
  )
  return bins
}

/** Maps [d0, d1] onto [r0, r1] linearly (r1 < r0 for an upward y axis). */
export function linearScale([d0, d1]: [number, number], [r0, r1]: [number, number]): (v: number) => number {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0)
  return (v) => r0 + (v - d0) * k
}

/** The smallest 1, 2 or 5 × 10^k at or above v (at least 1): a round axis maximum. */
export function niceMax(v: number): number {
  if (!(v > 1)) return 1
  const power = 10 ** Math.floor(Math.log10(v))
  for (const step of [1, 2, 5, 10]) if (step * power >= v - 1e-9) return step * power
  return 10 * power
}

/** Evenly spaced ticks from 0 to a niceMax: 5 intervals for 1 or 5 × 10^k, 4 for 2 × 10^k (whole steps). */
export function ticks(max: number): number[] {
  const lead = Math.round(max / 10 ** Math.floor(Math.log10(max)))
  const count = lead === 2 ? 4 : 5
  return Array.from({length: count + 1}, (_, i) => (max * i) / count)
}

export interface Mark {
  /** performance.now() at the update's start and end (ms). */
  from: number
  to: number
  label: string
}

export interface Panel {
  title: string
  /** performance.now() at the panel's left edge (ms). */
  from: number
  records: RequestRecord[]
  marks: Mark[]
}

const W = 960
const LEFT = 60
const RIGHT = 20
const BARS_H = 130
const LAT_H = 80
const GAP = 28
const PANEL_H = 30 + BARS_H + GAP + LAT_H + 34
const COLORS = {ok: '#3a9d5d', failed: '#d62728', p99: '#1f5fa8', mark: '#f2c14e', axis: '#555', grid: '#e4e4e4'}

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1))

/** The whole picture: one panel per approach, stacked, on the same time and value scales. */
export function renderTimelineSvg(panels: Panel[], options: {spanMs: number; binMs?: number; caption: string; subtitle?: string}): string {
  const binMs = options.binMs ?? 100
  const binned = panels.map((p) => binRequests(p.records, p.from, options.spanMs, binMs))
  const all = binned.flat()
  const countMax = niceMax(Math.max(1, ...all.map((b) => b.ok + b.failed)))
  const latMax = niceMax(Math.max(1, ...all.map((b) => b.p99).filter(Number.isFinite)))
  const head = 68
  const height = head + panels.length * PANEL_H + 10
  const body = panels.map((panel, i) =>
    renderPanel(panel, binned[i], {top: head + i * PANEL_H, spanMs: options.spanMs, binMs, countMax, latMax}),
  )
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${height}" fill="#fff"/>`,
    `<text x="${LEFT}" y="20" font-size="15" font-weight="bold">${esc(options.caption)}</text>`,
    options.subtitle ? `<text x="${LEFT}" y="37" fill="${COLORS.axis}">${esc(options.subtitle)}</text>` : '',
    legend(LEFT, 58, binMs),
    ...body,
    '</svg>',
    '',
  ].join('\n')
}

function legend(x: number, y: number, binMs: number): string {
  const item = (dx: number, color: string, text: string, line = false) =>
    (line
      ? `<line x1="${x + dx}" y1="${y - 4}" x2="${x + dx + 14}" y2="${y - 4}" stroke="${color}" stroke-width="2"/>`
      : `<rect x="${x + dx}" y="${y - 10}" width="14" height="10" fill="${color}"/>`) +
    `<text x="${x + dx + 19}" y="${y}">${esc(text)}</text>`
  return [
    item(0, COLORS.ok, `successful requests per ${binMs} ms`),
    item(230, COLORS.failed, `failed requests per ${binMs} ms`),
    item(440, COLORS.p99, `p99 latency per ${binMs} ms`, true),
    item(640, COLORS.mark, 'update command running'),
  ].join('\n')
}

interface Frame {
  top: number
  spanMs: number
  binMs: number
  countMax: number
  latMax: number
}

function renderPanel(panel: Panel, bins: Bin[], f: Frame): string {
  const barsTop = f.top + 30
  const latTop = barsTop + BARS_H + GAP
  const x = linearScale([0, f.spanMs], [LEFT, W - RIGHT])
  const yCount = linearScale([0, f.countMax], [barsTop + BARS_H, barsTop])
  const yLat = linearScale([0, f.latMax], [latTop + LAT_H, latTop])
  const failed = bins.reduce((n, b) => n + b.failed, 0)
  const parts = [
    `<text x="${LEFT}" y="${f.top + 14}" font-size="13" font-weight="bold">${esc(panel.title)} (${failed} failed in this view)</text>`,
    ...panel.marks.map((m) => markBand(m, panel.from, x, barsTop, latTop + LAT_H, f.spanMs)),
    yAxis(yCount, f.countMax, 'requests'),
    yAxis(yLat, f.latMax, 'p99 ms'),
    xAxis(x, f.spanMs, latTop + LAT_H),
    bars(bins, x, yCount, f.binMs),
    latencyPath(bins, x, yLat, f.binMs),
  ]
  return `<g>\n${parts.join('\n')}\n</g>`
}

function markBand(m: Mark, from: number, x: (v: number) => number, top: number, bottom: number, spanMs: number): string {
  const a = Math.max(0, m.from - from)
  const b = Math.min(spanMs, m.to - from)
  if (b <= 0 || a >= spanMs) return ''
  return (
    `<rect x="${x(a).toFixed(1)}" y="${top}" width="${Math.max(1, x(b) - x(a)).toFixed(1)}" height="${bottom - top}" fill="${COLORS.mark}" fill-opacity="0.35"/>` +
    `<line x1="${x(a).toFixed(1)}" y1="${top - 4}" x2="${x(a).toFixed(1)}" y2="${bottom}" stroke="#b8860b" stroke-dasharray="4 3"/>` +
    `<text x="${(x(a) + 3).toFixed(1)}" y="${top - 6}" font-size="11" fill="#7a5a00">${esc(m.label)}</text>`
  )
}

function yAxis(y: (v: number) => number, max: number, label: string): string {
  const lines = ticks(max).map(
    (v) =>
      `<line x1="${LEFT}" y1="${y(v).toFixed(1)}" x2="${W - RIGHT}" y2="${y(v).toFixed(1)}" stroke="${COLORS.grid}"/>` +
      `<text x="${LEFT - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="${COLORS.axis}">${fmt(v)}</text>`,
  )
  // The axis's name, turned along it, left of the tick labels.
  const mid = (y(0) + y(max)) / 2
  return [
    ...lines,
    `<text transform="translate(16 ${mid.toFixed(1)}) rotate(-90)" text-anchor="middle" fill="${COLORS.axis}" font-size="11">${esc(label)}</text>`,
  ].join('\n')
}

function xAxis(x: (v: number) => number, spanMs: number, y: number): string {
  const seconds = Math.floor(spanMs / 1000)
  const step = seconds > 20 ? 5 : seconds > 10 ? 2 : 1
  const out = [`<line x1="${LEFT}" y1="${y}" x2="${W - RIGHT}" y2="${y}" stroke="${COLORS.axis}"/>`]
  for (let s = 0; s <= seconds; s += step)
    out.push(`<text x="${x(s * 1000).toFixed(1)}" y="${y + 15}" text-anchor="middle" fill="${COLORS.axis}">${s} s</text>`)
  return out.join('\n')
}

function bars(bins: Bin[], x: (v: number) => number, y: (v: number) => number, binMs: number): string {
  const width = Math.max(0.5, x(binMs) - x(0) - 0.4)
  return bins
    .flatMap((b) => {
      const out: string[] = []
      if (b.ok > 0) out.push(rect(x(b.t), y(b.ok), width, y(0) - y(b.ok), COLORS.ok))
      if (b.failed > 0) out.push(rect(x(b.t), y(b.ok + b.failed), width, y(b.ok) - y(b.ok + b.failed), COLORS.failed))
      return out
    })
    .join('\n')
}

const rect = (x: number, y: number, w: number, h: number, fill: string) =>
  `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" fill="${fill}"/>`

/** A polyline through the bins that have a p99, broken where a bin has none (no successful request). */
function latencyPath(bins: Bin[], x: (v: number) => number, y: (v: number) => number, binMs: number): string {
  let d = ''
  let pen = false
  for (const b of bins) {
    if (!Number.isFinite(b.p99)) {
      pen = false
      continue
    }
    d += `${pen ? 'L' : 'M'}${x(b.t + binMs / 2).toFixed(1)},${y(b.p99).toFixed(1)}`
    pen = true
  }
  return d ? `<path d="${d}" fill="none" stroke="${COLORS.p99}" stroke-width="1.5"/>` : ''
}
