import semver from 'semver'

/**
 * Declared data compatibility: the vendor says which older releases run on a release's data, in the
 * feed (a release's `rollbackTo`, a semver range) or in the recipe (`migrations: expand-only`: every
 * older release runs on newer data). A rollback across a migration needs no data choice where the
 * vendor said so. Pure; the update stores the declaration with the migration's snapshot (the feed may
 * not be reachable when the customer rolls back).
 */

/** The range of older releases that run on the data `release` leaves, or undefined if not declared. */
export function declaredRollbackTo(release: {rollbackTo?: string}, recipe: {migrations?: 'expand-only'}): string | undefined {
  if (recipe.migrations === 'expand-only') return '*'
  return release.rollbackTo
}

/** Whether `target` is in a declared range (pre-releases included: the vendor named the versions). */
export function declaredCompatible(target: string, range: string | undefined): boolean {
  return range !== undefined && semver.valid(target) !== null && semver.satisfies(target, range, {includePrerelease: true})
}

/**
 * Whether `target` runs on the data as the newest crossed migration left it (`crossed` oldest first):
 * that release declared it (the range stored with its snapshot; its data holds every earlier
 * migration), or the recipe declares every migration expand-only.
 */
export function runsOnMigratedData(target: string, crossed: {rollbackTo?: string}[], recipe: {migrations?: 'expand-only'}): boolean {
  if (recipe.migrations === 'expand-only') return true
  const newest = crossed.at(-1)
  return newest !== undefined && declaredCompatible(target, newest.rollbackTo)
}

/** What a rollback from `release` back to the serving one will need, as `update --check` says it. */
export type LaterRollback = 'no-migration' | 'declared-compatible' | 'reverse-migrations' | 'needs-data-choice'

export function laterRollback(
  serving: string,
  release: {rollbackTo?: string},
  recipe: {migrations?: 'expand-only'; hooks: {preSwitch: unknown[]; preRollback?: unknown[]}},
): LaterRollback {
  if (recipe.hooks.preSwitch.length === 0) return 'no-migration'
  if (declaredCompatible(serving, declaredRollbackTo(release, recipe))) return 'declared-compatible'
  if ((recipe.hooks.preRollback ?? []).length > 0) return 'reverse-migrations'
  return 'needs-data-choice'
}
