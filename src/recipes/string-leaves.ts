/** Walking the string leaves of a parsed recipe, each with its key path. */

export type Segments = readonly PropertyKey[]

export function mapStrings(value: unknown, render: (source: string, segments: Segments) => string, segments: Segments = []): unknown {
  if (typeof value === 'string') return render(value, segments)
  if (Array.isArray(value)) return value.map((item, index) => mapStrings(item, render, [...segments, index]))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, render, [...segments, key])]))
  }
  return value
}

export function forEachString(value: unknown, visit: (source: string, segments: Segments) => void): void {
  mapStrings(value, (source, segments) => {
    visit(source, segments)
    return source
  })
}
