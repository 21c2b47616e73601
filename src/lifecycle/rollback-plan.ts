/**
 * Plan: a rollback decided once from the gathered facts (rollback.ts): the release it switches to,
 * what it does with the data across a migration (declared data compatibility, data-compat.ts), the
 * recipe's processes that follow, and why it cannot be carried out, if it cannot. Pure: `rollback
 * --check` prints it, the rollback carries out this very value and `--json` returns it.
 */
import {DiscodeError} from '../errors.js'
import {renderFor} from '../recipes/installed.js'
import type {Recipe} from '../recipes/schema.js'
import type {ReleaseRecord} from '../state/store.js'
import {dataRollbackDecision} from './data-rollback.js'
import {type AppFacts, blockerOf, type PlanBlocker} from './facts.js'
import {rollbackTarget} from './history.js'
import {hasProcesses} from './processes/move.js'
import type {ReleaseRuntime} from './release-runtime.js'

/** What a rollback does with the data when it crosses a migration: `restore` the snapshot from before it, or `keep` it. */
export type DataChoice = 'restore' | 'keep' | undefined

/** What the customer asks of one rollback (`discode rollback` flags). */
export interface RollbackRequest {
  /** The version to go back to (default: the newest previous release). */
  to?: string
  data?: DataChoice
}

export interface RollbackFacts extends AppFacts {
  /** The app's runtime, chosen once (a cluster refuses --restore-data). */
  runtime: Pick<ReleaseRuntime, 'requireOneHost'>
  /** When the facts were read (how many minutes of writes a restore loses). */
  now: Date
}

/**
 * The data across the rollback: `none` when no migration ran since the target served; else `keep`
 * (chosen with --keep-data, or the vendor declared the target runs on the migrated data), the
 * recipe's `reverse-migrations` (preRollback hooks, in the release being left), `restore` (the
 * snapshot the target ran on last), or `needs-choice` (a blocker: the customer says which).
 */
export type RollbackData =
  | {action: 'none'}
  | {action: 'keep'; reason: 'chosen' | 'declared-compatible'; migrations: string[]}
  | {action: 'reverse-migrations'; migrations: string[]; hooks: string[]}
  | {action: 'restore' | 'needs-choice'; migrations: string[]; snapshot: {id: string; path: string; takenAt: string}}

export interface RollbackPlan {
  app: string
  /** The serving release. */
  current: string
  /** The kept release it switches to; null when there is none (a blocker says why). */
  target: {version: string; image: string; container: string} | null
  data: RollbackData
  /** The recipe's processes that follow the web to the target (none: nothing to move). */
  processes: string[]
  blockers: PlanBlocker[]
}

/** The recipe as the target release renders it (plan and apply render the same). */
export function rollbackRecipe(facts: AppFacts, target: ReleaseRecord): Recipe {
  return renderFor(facts.app, facts.raw, facts.record.inputs, facts.storedSecrets, target)
}

/** The whole rollback, decided from the facts; every blocker is found before anything runs. */
export function planRollback(facts: RollbackFacts, request: RollbackRequest): RollbackPlan {
  const {app, record} = facts
  const base = {app, current: record.current.version, target: null, data: {action: 'none'} as const, processes: []}
  let target: ReleaseRecord
  let recipe: Recipe
  try {
    target = rollbackTarget(record, request.to)
    recipe = rollbackRecipe(facts, target)
  } catch (error) {
    return {...base, blockers: [blockerOf(error)]}
  }
  const blockers: PlanBlocker[] = []
  const {data, blocker} = rollbackData(facts, recipe, target.version, request.data)
  if (blocker) blockers.push(blocker)
  if (data.action === 'restore') {
    try {
      facts.runtime.requireOneHost(app, {what: 'restore-data', snapshot: data.snapshot.id})
    } catch (error) {
      blockers.push(blockerOf(error))
    }
  }
  return {
    ...base,
    target: {version: target.version, image: target.image, container: target.container},
    data,
    processes: hasProcesses(recipe, [record.current, target]) ? Object.keys(recipe.processes) : [],
    blockers,
  }
}

/**
 * Old code never runs silently on data a newer release's migration changed: with the recipe's
 * reverse migrations, or where the vendor declared that the target runs on the migrated data, the
 * code-only rollback is safe; otherwise the customer chooses (--restore-data or --keep-data).
 */
function rollbackData(
  facts: RollbackFacts,
  recipe: Recipe,
  target: string,
  choice: DataChoice,
): {data: RollbackData; blocker?: PlanBlocker} {
  const decision = dataRollbackDecision(facts.record, target, facts.now, recipe)
  if (!decision.crossesMigration) return {data: {action: 'none'}}
  const {migrations} = decision
  const snapshot = {id: decision.snapshot.snapshot, path: decision.snapshot.path, takenAt: decision.snapshot.takenAt}
  if (choice === 'keep') return {data: {action: 'keep', reason: 'chosen', migrations}}
  if (choice === 'restore') return {data: {action: 'restore', migrations, snapshot}}
  const hooks = recipe.hooks.preRollback.map((hook) => hook.name)
  if (hooks.length > 0) return {data: {action: 'reverse-migrations', migrations, hooks}}
  if (decision.declared) return {data: {action: 'keep', reason: 'declared-compatible', migrations}}
  const error = new DiscodeError(`Rolling back ${facts.app} to ${target} would run it on data that ${migrations.join(', ')} migrated`, {
    hint: `The vendor declares no data compatibility for this rollback. Say which: --restore-data brings back snapshot ${snapshot.id} from before the migration (the last ${decision.minutesOfWritesLost} minute(s) of writes are lost), or --keep-data switches the code only (when the vendor says that is safe)`,
    code: 'ROLLBACK_NEEDS_DATA_CHOICE',
  })
  return {data: {action: 'needs-choice', migrations, snapshot}, blocker: blockerOf(error)}
}
