import {withAppLock} from '../lock/lock.js'
import {Journal} from '../state/journal.js'
import type {AppRecord} from '../state/store.js'
import {appRuntime} from './app-runtime.js'
import type {Engine, Reporter} from './context.js'

/** Milliseconds spent in each named step of one operation; `--json` exposes them. */
export type Timings = Record<string, number>

/** Where steps are written before and after they run (the app's journal, or nowhere). */
export interface StepJournal {
  record(event: 'start' | 'done' | 'failed', name: string, detail?: string): void
}

/**
 * One running operation on one app (install, update, rollback, uninstall, recover): what every step
 * receives. Created by runOperation, which holds the app's lock and journals each step.
 */
export interface Operation {
  engine: Engine
  app: string
  journal: StepJournal
  timings: Timings
  reporter: Reporter
  /**
   * The app's record as read once the lock was held (runOperation reads it once; undefined: none).
   * No `record` key at all (unjournaled): no record was gathered, so whoever needs it reads it.
   */
  record?: AppRecord
}

/** For work outside an app's operation (`proxy boot`): steps are reported and timed, not journaled. */
export function unjournaled(engine: Engine, app = ''): Operation {
  return {engine, app, journal: {record() {}}, timings: {}, reporter: engine.reporter}
}

/** Runs one named step: journaled before and after, reported, its duration added to the timings. */
export async function step<T>(op: Operation, name: string, message: string, work: () => Promise<T>): Promise<T> {
  op.journal.record('start', name, message)
  op.reporter.stepStarted(name, message)
  const started = performance.now()
  let ok = false
  try {
    const result = await work()
    ok = true
    return result
  } finally {
    const ms = Math.round(performance.now() - started)
    op.timings[name] = (op.timings[name] ?? 0) + ms
    op.journal.record(ok ? 'done' : 'failed', name)
    op.reporter.stepFinished(name, ms, ok)
  }
}

/**
 * One locked, journaled operation on an app. The journal records each step before and after it
 * runs; an operation found unfinished (its process died) is reported, and the operation's reconcile
 * step repairs what it left.
 */
export async function runOperation<T>(
  engine: Engine,
  app: string,
  operation: string,
  options: {wait?: boolean; detail?: string},
  work: (op: Operation) => Promise<T>,
): Promise<T> {
  return withAppLock(engine.settings.home, app, {command: operation, wait: options.wait}, async () => {
    // Nothing secret in the journal: the app's secrets (read as each entry is written) are redacted.
    const env = process.env.DISCODE_REGISTRY_PASSWORD
    const journal = new Journal(engine.store.appDir(app), () => [...engine.store.secretValues(app), ...(env ? [env] : [])])
    const interrupted = journal.interrupted()
    if (interrupted) {
      const where = interrupted.step ? `during its "${interrupted.step}" step` : 'between steps'
      engine.reporter.warn(
        `The last ${interrupted.operation} of ${app} (${interrupted.since}) was interrupted ${where}; finishing or undoing it first`,
      )
    }
    engine.store.ensureAppDir(app)
    engine.store.prepareWrites()
    // A killed restore left data half-restored: it is finished before anything else.
    await engine.finishPendingWork(engine, app)
    journal.begin(operation, options.detail)
    // The record is read once here (op.record). A cluster app's steps use the cluster's network, an app
    // on one host its own (its runtime's appEngine); install sets it once placed.
    const record = await engine.store.read(app)
    const {engine: appEngine} = await appRuntime(engine, app, record)
    try {
      const result = await work({engine: appEngine, app, journal, timings: {}, reporter: engine.reporter, record})
      journal.record('end', operation, 'ok')
      return result
    } catch (error) {
      // With the hint, which holds a failed release's last log lines: support bundles show them.
      const hint = (error as {hint?: string}).hint
      journal.record('end', operation, `failed: ${(error as Error).message}${hint ? `\n${hint}` : ''}`)
      throw error
    }
  })
}
