import {LockedError} from '../lock/lock.js'
import {Journal} from '../state/journal.js'
import type {AppRecord} from '../state/store.js'
import type {Engine} from './context.js'
import {staleRun} from './one-off-commands.js'
import {type Operation, runOperation, step} from './operation.js'
import {recoverPausedRoute} from './paused-routes.js'
import {settleAppNetwork} from './app-network.js'
import {bootProxy} from './proxy-steps.js'
import {pruneReleases} from './prune.js'
import {type MissingReplica, planReconcile} from './reconcile-plan.js'

export interface Reconciled {
  record: AppRecord
  /** Whether the proxy now routes to the record's current release (see restoreRoute). */
  routed: boolean
}

/**
 * Makes discode's record agree with what really runs, before any operation changes anything: carries
 * out planReconcile's decisions (see its table), then re-creates a route left paused, creates the
 * current release's process replicas that are gone (processes/repair.ts), then prunes
 * (planPrune) what an adopted switch or a killed prune left listed. The proxy must be running (callers
 * boot it first).
 */
export async function reconcileApp(op: Operation, record: AppRecord): Promise<Reconciled> {
  const {missing, ...reconciled} = await followDocker(op, record)
  // A release reconcile stopped (a move to the app's network a crash cut short) ends the move.
  await settleAppNetwork(op)
  if (missing.length > 0) await (await op.engine.runtimeFor(reconciled.record)).repairProcesses?.(op, reconciled.record, missing)
  // An adopted switch, or a run killed before its prune was recorded, leaves too many releases listed.
  return {...reconciled, record: await pruneReleases(op, reconciled.record)}
}

async function followDocker(op: Operation, record: AppRecord): Promise<Reconciled & {missing: MissingReplica[]}> {
  const {engine} = op
  return step(op, 'reconcile', `Checking ${record.app} against Docker and the proxy`, async () => {
    await engine.proxy.waitForCommands(record.app)
    const runtime = await op.engine.runtimeFor(record)
    const seen = await runtime.list(op)
    const route = await engine.proxy.route(record.app)
    const live = route?.targets[0]?.split(':')[0]
    const plan = planReconcile(record, seen, live, new Date(), staleRun, runtime.processes.units)
    if (plan.adopted) {
      op.reporter.warn(`The proxy serves ${plan.adopted.version} (${live}) but the last run did not record it: recording it now`)
    }
    for (const action of plan.actions) {
      if (action.warn) op.reporter.warn(action.warn)
      await runtime.apply(op, action)
    }
    if (plan.record !== record) await engine.store.write(plan.record)
    const recovered = await recoverPausedRoute(engine, plan.record, route)
    const current = plan.record.current?.container
    // Replicas removed behind discode's back: created again by the runtime that runs them.
    return {record: plan.record, routed: Boolean(current) && (recovered || live === current), missing: plan.missing}
  })
}

/**
 * For read-only commands (status): if the app's last operation was interrupted, repair it now, as
 * the next update would. Skipped while another discode holds the app (that one is not interrupted).
 */
export async function recoverIfInterrupted(engine: Engine, app: string): Promise<boolean> {
  if (!new Journal(engine.store.appDir(app)).interrupted()) return false
  try {
    await runOperation(engine, app, 'recover', {}, async (op) => {
      const record = await engine.store.read(app)
      if (!record) return
      await bootProxy(op)
      await reconcileApp(op, record)
    })
    return true
  } catch (error) {
    if (error instanceof LockedError) return false
    throw error
  }
}
