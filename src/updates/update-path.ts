/**
 * `discode update APP`: plans the upgrade path, refuses a plan that cannot be carried out before
 * anything runs, then takes the hops in order. Each hop is the lifecycle's own `update` (locked,
 * journaled, zero downtime), so a process killed between hops leaves the last good release serving,
 * and the next run plans again from there and goes on.
 */
import {DiscodeError} from '../errors.js'
import type {Engine} from '../lifecycle/context.js'
import {update, type UpdateResult} from '../lifecycle/update.js'
import {withAppLock} from '../lock/lock.js'
import {installedRecord} from '../state/installed.js'
import {planAppUpdate, type PlanOptions} from './plan-app.js'
import type {UpdatePlan} from './plan.js'

export interface PathUpdateOptions extends PlanOptions {
  app: string
  wait?: boolean
  inArguments?: string[]
  /** false (--no-snapshot): no snapshot before a migration. */
  snapshot?: boolean
  /** Deploy the serving release again even with nothing newer (a new certificate to apply). */
  reroute?: boolean
  /** Called before each hop (the command prints "hop 1 of 2"). */
  onHop?: (index: number, total: number, version: string) => void
}

export interface PathUpdateResult {
  app: string
  plan: UpdatePlan
  /** One result per hop taken; a single up-to-date result when there was nothing to take. */
  results: UpdateResult[]
}

export class HopFailedError extends DiscodeError {
  constructor(
    message: string,
    options: {hint?: string; code?: string; cause?: unknown},
    /** The release serving after the failure. */
    readonly serving: string | undefined,
    readonly failedVersion: string,
  ) {
    super(message, options)
  }
}

export function blockedError(plan: UpdatePlan): DiscodeError {
  const [first] = plan.blockers
  const more = plan.blockers.length > 1 ? ` (and ${plan.blockers.length - 1} more: see "discode update ${plan.app} --check")` : ''
  return new DiscodeError(`Cannot update ${plan.app} to ${plan.target ?? 'a newer release'}: ${first.message}${more}`, {
    hint: first.hint,
    code: first.code,
  })
}

export async function updateAlongPath(engine: Engine, options: PathUpdateOptions): Promise<PathUpdateResult> {
  const {app} = options
  // Busy now is said at once, as every operation does (planning reads the feed first, which takes a while).
  await installedRecord(engine.store, app)
  if (!options.wait) await withAppLock(engine.settings.home, app, {command: 'update'}, async () => {})
  if (options.allowUnsignedFeed === false) await withdrawUnsignedFeed(engine, app)
  const plan = await planAppUpdate(engine, app, options)
  if (plan.blockers.length > 0) throw blockedError(plan)
  const common = {
    app,
    wait: options.wait,
    set: options.set,
    inArguments: options.inArguments,
    accessories: options.accessories,
    snapshot: options.snapshot,
    reroute: options.reroute,
    allowUnsignedFeed: options.allowUnsignedFeed,
    acceptFeedKey: options.acceptFeedKey,
    offline: options.offline,
  }
  // Nothing to take: the lifecycle's up-to-date path still repairs accessories and the route.
  if (plan.hops.length === 0) return {app, plan, results: [await update(engine, {...common, to: options.to})]}

  const results: UpdateResult[] = []
  for (const [index, hop] of plan.hops.entries()) {
    options.onHop?.(index, plan.hops.length, hop.version)
    try {
      results.push(await update(engine, {...common, to: hop.version}))
    } catch (error) {
      // One step: the lifecycle's own error says it all (and which release keeps serving).
      if (plan.hops.length === 1) throw error
      throw await hopFailed(engine, plan, index, error)
    }
  }
  return {app, plan, results}
}

/** --no-allow-unsigned-feed is kept even when the feed is then refused: the customer's word stands. */
async function withdrawUnsignedFeed(engine: Engine, app: string): Promise<void> {
  await withAppLock(engine.settings.home, app, {command: 'update', wait: true}, async () => {
    const record = await installedRecord(engine.store, app)
    await engine.store.write({...record, feedTrust: {...(record.feedTrust?.key ? {key: record.feedTrust.key} : {}), allowUnsigned: false}})
  })
}

async function hopFailed(engine: Engine, plan: UpdatePlan, index: number, error: unknown): Promise<DiscodeError> {
  const hop = plan.hops[index]
  const serving = (await engine.store.read(plan.app).catch(() => undefined))?.current?.version
  const reason = error instanceof Error ? error.message : String(error)
  const where = ` (hop ${index + 1} of ${plan.hops.length})`
  const hint = error instanceof DiscodeError ? error.hint : undefined
  return new HopFailedError(
    `Update of ${plan.app} to ${hop.version}${where} failed: ${reason}; ${serving ? `${serving} is serving` : 'no release is recorded as serving'}`,
    {
      hint: hint ?? `Fix the cause and run "discode update ${plan.app}" again: it continues from ${serving ?? 'there'}`,
      code: error instanceof DiscodeError ? error.code : 'UPDATE_FAILED',
      cause: error,
    },
    serving,
    hop.version,
  )
}
