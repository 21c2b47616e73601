import type {AppRecord} from '../state/store.js'
import type {Engine} from './context.js'
import type {ReleaseRuntime} from './release-runtime.js'

/**
 * The one place app-level work gets its engine: the app's runtime, chosen from its record, and the
 * engine every step on the app uses (its own network on one host, the overlay on a cluster).
 * runOperation gives it to an operation's steps; work outside one (a killed restore finished first,
 * `exec` and `run`) asks here too, so nothing has to remember to.
 */
export async function appRuntime(
  engine: Engine,
  app: string,
  record: AppRecord | undefined,
): Promise<{runtime: ReleaseRuntime; engine: Engine}> {
  const runtime = await engine.runtimeFor(record)
  return {runtime, engine: runtime.appEngine(engine, app)}
}
