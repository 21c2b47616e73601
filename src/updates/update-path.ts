/**
 * `discode update APP`: gather -> plan -> apply, under one lock. The facts (record, recipe, inputs,
 * feed, accessory containers, route) are gathered once (facts.ts), the whole path is planned once
 * (plan.ts: a plan with blockers is refused before anything runs) and carried out hop by hop
 * (apply.ts), each hop journaled and zero downtime, so a process killed between hops leaves the last
 * good release serving, and the next run plans again from there and goes on. `--check` is the same
 * gather and plan, read-only and without the lock (checkUpdate).
 */
import {inspectImage} from '../docker/docker.js'
import {credentialsFor} from '../docker/reference.js'
import {DiscodeError} from '../errors.js'
import {type Engine, type Reporter, silentReporter} from '../lifecycle/context.js'
import {type Operation, runOperation, unjournaled} from '../lifecycle/operation.js'
import {installedOf} from '../lifecycle/facts.js'
import {bootProxy} from '../lifecycle/proxy-steps.js'
import {reconcileApp} from '../lifecycle/reconcile.js'
import {notInstalledError, validateAppName} from '../names/names.js'
import {registryCredentials, renderFor} from '../recipes/installed.js'
import {type InstalledRecord, installedRecord} from '../state/installed.js'
import {applyPlan, type ApplyOptions, HopError, type UpdateResult} from './apply.js'
import {type Facts, gatherFacts, type UpdateRequest} from './facts.js'
import {imageDownloadBytes} from './image-size.js'
import {planUpdate, type UpdatePlan} from './plan.js'

export type {UpdateResult} from './apply.js'

export interface PathUpdateOptions extends ApplyOptions {
  app: string
  wait?: boolean
}

export interface PathUpdateResult {
  app: string
  /** The plan that was applied (what `update --check` showed, image sizes aside). */
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
  // Not installed is said before any lock or journal is made for the name.
  validateAppName(app)
  if (!engine.store.apps().includes(app)) throw notInstalledError(app)
  return runOperation(engine, app, 'update', {wait: options.wait}, async (op) => {
    await bootProxy(op)
    const reconciled = await reconcileApp(op, installedOf(op))
    // --no-allow-unsigned-feed is kept even when the feed is then refused: the customer's word stands.
    const reconciledRecord = reconciled.record as InstalledRecord
    const record = options.allowUnsignedFeed === false ? await withdrawUnsignedFeed(op, reconciledRecord) : reconciledRecord
    const facts = await gatherFacts(op, {record, routed: reconciled.routed}, options)
    const plan = planUpdate(facts, options)
    if (plan.blockers.length > 0) throw blockedError(plan)
    try {
      return {app, plan, results: await applyPlan(op, facts, plan, options)}
    } catch (error) {
      if (!(error instanceof HopError)) throw error
      // One step: the lifecycle's own error says it all (and which release keeps serving).
      if (plan.hops.length <= 1) throw error.error
      throw await hopFailed(op, plan, error.index, error.error)
    }
  })
}

/** One update to the newest release (or `to`): the path's last result (doctor's reroute, the orchestration tests). */
export async function update(engine: Engine, options: PathUpdateOptions): Promise<UpdateResult> {
  return (await updateAlongPath(engine, options)).results.at(-1)!
}

/** `update --check`: the plan the update would apply now, read without the lock; changes nothing. */
export async function checkUpdate(engine: Engine, app: string, request: UpdateRequest): Promise<UpdatePlan> {
  const record = await installedRecord(engine.store, app)
  // No step lines (nothing is done); warnings (a feed's trust) are still told.
  const reporter: Reporter = {
    ...silentReporter,
    info: (message) => engine.reporter.info(message),
    warn: (message) => engine.reporter.warn(message),
  }
  const op = {...unjournaled(engine, app), reporter}
  const route = await engine.proxy.route(app).catch(() => undefined)
  const routed = route?.targets[0]?.split(':')[0] === record.current.container
  const facts = await gatherFacts(op, {record, routed}, request)
  const plan = planUpdate(facts, request)
  const sizes = await Promise.all(plan.hops.map((hop) => (request.offline?.images[hop.image] ? 0 : downloadBytes(engine, facts, hop))))
  return {...plan, hops: plan.hops.map((hop, index) => ({...hop, imageBytes: sizes[index]}))}
}

/** What pulling a hop's image downloads (--check only: apply does not measure it). */
async function downloadBytes(engine: Engine, facts: Facts, hop: {version: string; image: string}): Promise<number | null> {
  // A digest-pinned image already on the host is not pulled again.
  if (hop.image.includes('@sha256:') && (await inspectImage(engine.docker, hop.image).catch(() => undefined))) return 0
  // The recipe as the hop renders it (not yet while a required input is missing: the install's credentials only).
  let repository = facts.raw.image
  let registry = facts.secrets.registry
  try {
    const recipe = renderFor(facts.app, facts.raw, facts.plain, facts.secrets, hop)
    ;[repository, registry] = [recipe.image, registryCredentials(recipe, facts.secrets)]
  } catch {}
  // Credentials only for the recipe's own registry, whatever registry a hop's image names.
  const credentials = credentialsFor(hop.image, repository, registry)
  return imageDownloadBytes(hop.image, {credentials})
}

async function withdrawUnsignedFeed<T extends InstalledRecord>(op: Operation, record: T): Promise<T> {
  const withdrawn = {...record, feedTrust: {...(record.feedTrust?.key ? {key: record.feedTrust.key} : {}), allowUnsigned: false}}
  await op.engine.store.write(withdrawn)
  return withdrawn
}

async function hopFailed(op: Operation, plan: UpdatePlan, index: number, error: unknown): Promise<DiscodeError> {
  const hop = plan.hops[index]
  const serving = (await op.engine.store.read(plan.app).catch(() => undefined))?.current?.version
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
