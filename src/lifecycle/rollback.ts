/**
 * `discode rollback APP`: gather -> plan -> apply, under one lock, as an update is. The facts (the
 * record runOperation read, reconciled; the recipe and the secrets, read once; the app's runtime) are
 * gathered once, the rollback is planned once (rollback-plan.ts: a plan with blockers is refused
 * before anything runs) and carried out: the data settled as planned (reverse migrations, or the
 * snapshot restored with the code in one hold), the strategy's switch, the processes, the record.
 * `--check` is the same gather and plan, read-only and without the lock (checkRollback).
 */
import {DiscodeError} from '../errors.js'
import type {Recipe} from '../recipes/schema.js'
import {type InstalledRecord, installedRecord} from '../state/installed.js'
import type {ReleaseRecord} from '../state/store.js'
import {settleAppNetwork} from './app-network.js'
import type {Engine} from './context.js'
import {blockedError, installedOf, readAppFacts} from './facts.js'
import type {DeployResult} from './go-live.js'
import {promote} from './history.js'
import type {HookRunner} from './hooks.js'
import {notInstalledError, validateAppName} from '../names/names.js'
import {type Operation, runOperation, step, unjournaled} from './operation.js'
import {followWeb} from './processes/follow.js'
import {bootProxy} from './proxy-steps.js'
import {reconcileApp} from './reconcile.js'
import type {ReleaseRuntime} from './release-runtime.js'
import {planRollback, type RollbackFacts, type RollbackPlan, rollbackRecipe, type RollbackRequest} from './rollback-plan.js'

export type {DataChoice, RollbackPlan, RollbackRequest} from './rollback-plan.js'

export interface RollbackOptions extends RollbackRequest {
  app: string
  wait?: boolean
  /** The passphrase of that snapshot, when the app encrypts its snapshots (asked only then). */
  passphrase?: () => Promise<string>
}

export type RollbackResult = DeployResult & {
  app: string
  restoredSnapshot?: string
  /** The plan that was applied (what `rollback --check` showed). */
  plan: RollbackPlan
}

type Gathered = RollbackFacts & {runtime: ReleaseRuntime}

/**
 * rollback: switch traffic to a release kept on the host (the previous one, or `to`) with the
 * recipe's strategy, record it, retire the one that served if it still runs. Across a migration the
 * data is settled first as planned; `--restore-data` switches code and data in one hold.
 */
export async function rollback(engine: Engine, options: RollbackOptions): Promise<RollbackResult> {
  const {app} = options
  // Not installed is said before any lock or journal is made for the name.
  validateAppName(app)
  if (!engine.store.apps().includes(app)) throw notInstalledError(app)
  return runOperation(engine, app, 'rollback', {wait: options.wait}, async (op) => {
    await bootProxy(op)
    const record = (await reconcileApp(op, installedOf(op))).record as InstalledRecord
    const runtime = await op.engine.runtimeFor(record)
    const facts: Gathered = {...(await readAppFacts(op, record)), runtime, now: new Date()}
    const plan = planRollback(facts, options)
    if (plan.blockers.length > 0) throw blockedError(plan.blockers[0])
    return applyRollback(op, facts, plan, options)
  })
}

/** `rollback --check`: the plan the rollback would apply now, read without the lock; changes nothing. */
export async function checkRollback(engine: Engine, app: string, request: RollbackRequest): Promise<RollbackPlan> {
  const record = await installedRecord(engine.store, app)
  const facts = await readAppFacts(unjournaled(engine, app), record)
  return planRollback({...facts, runtime: await engine.runtimeFor(record), now: new Date()}, request)
}

/** Carries out the plan (which has no blockers), with the release and data it names. */
async function applyRollback(op: Operation, facts: Gathered, plan: RollbackPlan, options: RollbackOptions): Promise<RollbackResult> {
  const {app, record, runtime} = facts
  const current = record.current
  const target = record.previous.find((release) => release.container === plan.target!.container)!
  const recipe = rollbackRecipe(facts, target)
  const {data} = plan
  if (data.action === 'restore') {
    const restore = {facts, recipe, target, plan, snapshot: data.snapshot}
    return withRestoredData(op, {...restore, passphrase: options.passphrase})
  }
  if (data.action === 'reverse-migrations') await runPreRollback(op, recipe, current, runtime.runHook)
  if (data.action === 'keep' && data.reason === 'declared-compatible') {
    op.reporter.info(`The vendor declares that ${target.version} runs on the data ${data.migrations.join(', ')} migrated: the data is kept`)
  }
  const switched = await runtime.strategy(recipe).rollback(op, {recipe, current, target})
  const next = await followWeb(op, {recipe, runtime, next: switched.next, left: current, kind: 'rollback'})
  const {stillRunning, heldMs} = switched
  const updated = promote(record, next)
  await op.engine.store.write(updated)
  if (stillRunning) await runtime.retire(op, stillRunning)
  await settleAppNetwork(op)
  return {app, from: current, to: updated.current, timings: op.timings, ...(heldMs === undefined ? {} : {heldMs}), plan}
}

/**
 * Code and data back together: the target becomes current in the record, then the restore holds the
 * requests, stops and removes the release containers, brings the volumes back, starts the target on
 * them and lets the proxy health-check it (see applySnapshot). Users wait; nobody sees old code on
 * new data, nor an error.
 */
async function withRestoredData(
  op: Operation,
  move: {
    facts: Gathered
    /** The recipe rendered for the target. */
    recipe: Recipe
    target: ReleaseRecord
    plan: RollbackPlan
    snapshot: {id: string; path: string}
    passphrase?: () => Promise<string>
  },
): Promise<RollbackResult> {
  const {facts, target, plan, snapshot} = move
  const {record} = facts
  const updated = promote(record, target)
  // The snapshot is verified and authenticated before the record (or anything else) changes; the
  // restore reads nothing this rollback read: it is given the record as switched, the target's recipe.
  const restored = await op.engine.backups.restoreForRollback(op, snapshot.path, {
    passphrase: move.passphrase,
    switched: () => op.engine.store.write(updated),
    facts: {record: updated, raw: facts.raw, recipe: move.recipe, secrets: facts.storedSecrets, runtime: facts.runtime},
  })
  return {
    app: op.app,
    from: record.current,
    to: updated.current,
    timings: op.timings,
    heldMs: restored.heldMs,
    restoredSnapshot: snapshot.id,
    plan,
  }
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
