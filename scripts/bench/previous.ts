/**
 * The run a new docs/benchmarks.md replaces: its date and the "measured" cell of each goal, so the new
 * Goals table shows every figure beside the previous run's (rows are matched by the goal's text).
 */
export interface PreviousRun {
  date: string
  measured: Map<string, string>
}

/** Reads the Goals table of a benchmarks page; undefined when there is none (first run, or no file). */
export function previousRun(markdown: string | undefined): PreviousRun | undefined {
  if (!markdown) return undefined
  const date = /^Measured (\S+)/m.exec(markdown)?.[1] ?? 'previous run'
  const section = markdown.split(/^## Goals$/m)[1]?.split(/^## /m)[0]
  if (!section) return undefined
  const measured = new Map<string, string>()
  for (const line of section.split('\n')) {
    const cells = line.split(' | ')
    if (!line.startsWith('| ') || cells.length < 4 || line.startsWith('| goal |') || line.startsWith('|---')) continue
    measured.set(goalKey(cells[0].slice(2)), cells[2])
  }
  return measured.size > 0 ? {date, measured} : undefined
}

/** A goal's text without its figures (a rate, a count of apps), so a row still matches when they change. */
export function goalKey(goal: string): string {
  return goal
    .replace(/\(median of \d+\)/, '')
    .replace(/\d[\d,.]*/g, 'N')
    .trim()
}

/** The previous run's measured cell for this goal, or a dash for a goal it did not have. */
export function previousCell(previous: PreviousRun | undefined, goal: string): string {
  return previous?.measured.get(goalKey(goal)) ?? '–'
}
