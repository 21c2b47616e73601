/**
 * Where other modules add their own doctor checks for an installed app, e.g. "the newest snapshot is
 * older than the policy wants" (the snapshots module registers that one). Each returns the problems
 * it finds (empty when well); a check that throws is reported as a problem of its own.
 */
import type {Engine} from '../lifecycle/context.js'
import type {AppRecord} from '../state/store.js'
import type {Problem} from './doctor-rules.js'

export type AppDoctorCheck = (engine: Engine, record: AppRecord) => Promise<Problem[]>

const appChecks: {name: string; check: AppDoctorCheck}[] = []

export function registerAppDoctorCheck(name: string, check: AppDoctorCheck): void {
  if (!appChecks.some((c) => c.name === name)) appChecks.push({name, check})
}

export async function runAppDoctorChecks(engine: Engine, record: AppRecord): Promise<Problem[]> {
  const found = await Promise.all(
    appChecks.map(({name, check}) =>
      check(engine, record).catch((error: Error): Problem[] => [
        {id: `check-failed`, app: record.app, message: `The ${name} check failed: ${error.message}`, fix: 'Report this to discode'},
      ]),
    ),
  )
  return found.flat()
}
