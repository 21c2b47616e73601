import {DiscodeError} from '../errors.js'
import type {Recipe} from '../recipes/schema.js'
import type {AppRecord, ReleaseRecord} from '../state/store.js'
import {type HookRunner, runInRelease} from './hooks.js'
import {type Operation, step} from './operation.js'

/** What a rollback does with the data when it crosses a migration (see dataRollbackDecision). */
export type DataChoice = 'restore' | 'keep' | undefined

/**
 * A rollback to a release from before a migration must not put old code on new data silently. With
 * the recipe's reverse migrations (`hooks.preRollback`, run in the image being left), or where the
 * vendor declared that the target runs on the migrated data (data-compat.ts), the code-only rollback
 * is safe; otherwise the user says which: `--restore-data` (the snapshot from before the
 * migration comes back, writes since then are lost) or `--keep-data` (code only). Returns the
 * snapshot to restore, if any.
 */
export async function settleRollbackData(
  op: Operation,
  move: {record: AppRecord; recipe: Recipe; current: ReleaseRecord; target: ReleaseRecord; choice: DataChoice; runHook?: HookRunner},
): Promise<{path: string; id: string} | undefined> {
  const {dataRollbackDecision} = await import('./data-rollback.js')
  const decision = dataRollbackDecision(move.record, move.target.version, new Date(), move.recipe)
  if (!decision.crossesMigration || move.choice === 'keep') return undefined
  if (move.choice === 'restore') {
    const runtime = await op.engine.runtimeFor(move.record)
    runtime.requireOneHost(op.app, {what: 'restore-data', snapshot: decision.snapshot.snapshot})
    return {path: decision.snapshot.path, id: decision.snapshot.snapshot}
  }
  if (move.recipe.hooks.preRollback.length > 0) {
    await runPreRollback(op, move.recipe, move.current, move.runHook ?? runInRelease)
    return undefined
  }
  if (decision.declared) {
    op.reporter.info(
      `The vendor declares that ${move.target.version} runs on the data ${decision.migrations.join(', ')} migrated: the data is kept`,
    )
    return undefined
  }
  const minutes = decision.minutesOfWritesLost
  throw new DiscodeError(
    `Rolling back ${op.app} to ${move.target.version} would run it on data that ${decision.migrations.join(', ')} migrated`,
    {
      hint: `The vendor declares no data compatibility for this rollback. Say which: --restore-data brings back snapshot ${decision.snapshot.snapshot} from before the migration (the last ${minutes} minute(s) of writes are lost), or --keep-data switches the code only (when the vendor says that is safe)`,
      code: 'ROLLBACK_NEEDS_DATA_CHOICE',
    },
  )
}

/** The recipe's reverse migrations, each in a one-off container of the release being left. */
async function runPreRollback(op: Operation, recipe: Recipe, leaving: ReleaseRecord, run: HookRunner): Promise<void> {
  for (const hook of recipe.hooks.preRollback) {
    await step(op, 'hooks', `Running preRollback hook ${hook.name} in ${leaving.version}`, async () => {
      const result = await run(op, recipe, leaving, hook.run, {label: hook.name})
      if (result.exitCode !== 0) {
        throw new DiscodeError(`preRollback hook "${hook.name}" failed (exit ${result.exitCode}); nothing was rolled back`, {
          hint: result.output.trim().split('\n').slice(-5).join('\n') || undefined,
          code: 'HOOK_FAILED',
        })
      }
    })
  }
}
