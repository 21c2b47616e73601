/**
 * `discode auto-update run`, what the scheduler calls: for every app with a policy, read its feed,
 * decide (decide.ts) with the injected clock, update along the path where the policy and the window
 * allow, announce what waits, and remember failures so a broken release is not retried in a loop.
 * One app's trouble never stops the others.
 */
import {DiscodeError} from '../errors.js'
import {bundleOnlyReason} from '../feed/bundle-only.js'
import type {TrustedFeed} from '../feed/read.js'
import type {Engine, Reporter} from '../lifecycle/context.js'
import {loadInstalledRecipe} from '../recipes/installed.js'
import {LockedError} from '../lock/lock.js'
import type {Delivery} from '../notify/notify.js'
import type {Notification} from '../notify/message.js'
import {type Decision, decide} from './decide.js'
import {readAppFeed} from './facts.js'
import {readPolicy, writePolicy, type AutoUpdateState} from './policy-store.js'
import {updateAlongPath} from './update-path.js'
import {hostTimeZone, isWindowOpen, parseWindow} from './window.js'

/** Lines of output kept for a failure notification. */
const LOG_TAIL = 20

export type Notify = (notification: Omit<Notification, 'host' | 'at'>) => Promise<Delivery[]>

export interface AppRunReport {
  app: string
  policy: string
  windowOpen: boolean
  current?: string
  decisions: Decision[]
  outcome: 'updated' | 'failed' | 'busy' | 'waiting' | 'nothing' | 'error'
  /** The release serving after the run. */
  serving?: string
  reason?: string
  deliveries: Delivery[]
}

export async function runAutoUpdates(engine: Engine, options: {now: Date; notify: Notify; apps?: string[]}): Promise<AppRunReport[]> {
  const home = engine.settings.home
  const reports: AppRunReport[] = []
  for (const app of options.apps ?? engine.store.apps()) {
    const state = readPolicy(home, app)
    if (!state) continue
    const report = await runOne(engine, app, state, options).catch((error: unknown): AppRunReport => ({
      app,
      policy: state.policy,
      windowOpen: false,
      decisions: [],
      outcome: 'error',
      reason: (error as Error).message,
      deliveries: [],
    }))
    // Re-read: the admin may have changed the policy while this ran; only the run's memory is ours.
    const latest = readPolicy(home, app) ?? state
    writePolicy(home, app, {
      ...latest,
      ...memory(state, report),
      lastRun: {at: options.now.toISOString(), outcome: report.outcome, ...(report.reason ? {detail: report.reason} : {})},
    })
    reports.push(report)
  }
  return reports
}

/** What the run changes in the app's auto-update memory. */
function memory(before: AutoUpdateState, report: AppRunReport & {failedVersion?: string; announced?: string}): Partial<AutoUpdateState> {
  let failed = before.failed
  if (report.outcome === 'updated') failed = undefined
  if (report.outcome === 'failed' && report.failedVersion)
    failed = {version: report.failedVersion, at: new Date().toISOString(), reason: report.reason ?? 'unknown'}
  return {failed, announced: report.announced ?? before.announced}
}

async function runOne(
  engine: Engine,
  app: string,
  state: AutoUpdateState,
  options: {now: Date; notify: Notify},
): Promise<AppRunReport & {failedVersion?: string; announced?: string}> {
  const record = await engine.store.read(app)
  const base = {app, policy: state.policy, windowOpen: false, decisions: [] as Decision[], deliveries: [] as Delivery[]}
  if (!record?.current) return {...base, outcome: 'nothing', reason: 'not installed'}
  if (record.feedTrust?.bundle) return {...base, current: record.current.version, outcome: 'nothing', reason: bundleOnlyReason(app)}
  const current = record.current.version
  const windowOpen = state.window ? isWindowOpen(parseWindow(state.window), state.timezone ?? hostTimeZone(), options.now) : true
  const {raw} = loadInstalledRecipe(engine.recipeRoots, record)
  const trusted = await readAppFeed(record, raw, await engine.store.readSecrets(app))
  const decisions = decide({state, feed: trusted.feed, current, windowOpen})
  const report: AppRunReport & {failedVersion?: string; announced?: string} = {
    ...base,
    windowOpen,
    current,
    serving: current,
    decisions,
    outcome: 'nothing',
  }
  for (const decision of decisions) {
    if (decision.action === 'announce') {
      report.deliveries.push(
        ...(await options.notify({event: 'update-available', app, current, version: decision.version, why: decision.why})),
      )
      report.announced = decision.version
      if (report.outcome === 'nothing') report.outcome = 'waiting'
    }
    // The update plans from the feed read here (read and verified once per run).
    if (decision.action === 'update') await updateOne(engine, app, decision.version, {...options, feed: trusted}, report)
  }
  return report
}

async function updateOne(
  engine: Engine,
  app: string,
  version: string,
  options: {notify: Notify; feed: TrustedFeed},
  report: AppRunReport & {failedVersion?: string},
): Promise<void> {
  const tail: string[] = []
  const keep = (line: string) => tail.push(...line.split('\n').filter(Boolean)) && tail.splice(0, Math.max(0, tail.length - LOG_TAIL))
  const base = engine.reporter
  // Each method delegated (a reporter may be a class instance, whose methods a spread would lose).
  const reporter: Reporter = {
    stepStarted: (name, message) => base.stepStarted(name, message),
    stepFinished: (name, ms, ok) => base.stepFinished(name, ms, ok),
    pullProgress: (image, progress) => base.pullProgress(image, progress),
    transferProgress: (label, bytes) => base.transferProgress?.(label, bytes),
    info: (message) => (keep(message), base.info(message)),
    warn: (message) => (keep(`Warning: ${message}`), base.warn(message)),
  }
  try {
    await updateAlongPath({...engine, reporter}, {app, to: version, feedSource: async () => options.feed})
    report.outcome = 'updated'
    report.serving = version
    report.deliveries.push(...(await options.notify({event: 'update-done', app, current: version, version})))
  } catch (error) {
    // Another discode works on the app (the lock): not a failure of the release, the next run tries again.
    if (error instanceof LockedError || (error as DiscodeError).code === 'LOCKED') {
      report.outcome = 'busy'
      report.reason = (error as Error).message
      return
    }
    const hint = error instanceof DiscodeError ? error.hint : undefined
    if (hint) keep(hint)
    report.outcome = 'failed'
    report.reason = (error as Error).message
    report.failedVersion = version
    report.serving = (await engine.store.read(app))?.current?.version
    report.deliveries.push(
      ...(await options.notify({event: 'update-failed', app, current: report.serving, version, reason: report.reason, logTail: tail})),
    )
  }
}
