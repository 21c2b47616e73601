/** How many snapshots of an app are kept when no `--keep` was given. */
export const DEFAULT_KEEP = 5

export interface Dated {
  id: string
  createdAt: string
}

/**
 * Which snapshots to delete so that the newest `keep` remain. Snapshots named in `protect` (the ones
 * a rollback across a migration may need) are never pruned and do not count against `keep`.
 */
export function planPrune<T extends Dated>(snapshots: T[], keep: number, protect: ReadonlySet<string> = new Set()): T[] {
  if (!Number.isInteger(keep) || keep < 1) throw new RangeError(`keep must be a whole number of at least 1, not ${keep}`)
  const newestFirst = snapshots.filter((s) => !protect.has(s.id)).sort((a, b) => compareNewestFirst(a, b))
  return newestFirst.slice(keep)
}

function compareNewestFirst(a: Dated, b: Dated): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0
}
