/**
 * Go-style durations ("500ms", "5s", "1m30s"), the format kamal-proxy takes for its health-check and
 * deploy options, so recipe values can be passed through unchanged.
 */

const UNIT_MS: Record<string, number> = {ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000}
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y

/** The duration in milliseconds, or undefined when `text` is not a Go duration. */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0
  let total = 0
  PART.lastIndex = 0
  while (PART.lastIndex < text.length) {
    const match = PART.exec(text)
    if (!match) return undefined
    total += Number(match[1]) * UNIT_MS[match[2]]
  }
  return text.length > 0 ? total : undefined
}
