/**
 * `discode doctor --fix`: the repairs that are safe for things discode owns, in an order where each
 * makes the next possible (a stale lock blocks the others; a route needs the proxy).
 */
import type {Engine} from '../lifecycle/context.js'
import type {Problem, Repair} from './doctor-rules.js'
import {clearLock} from './lock-facts.js'

export interface FixResult {
  problem: string
  app?: string
  done: boolean
  /** What was done, or why it could not be. */
  message: string
}

const ORDER: Repair[] = ['clear-lock', 'boot-proxy', 'recover', 'reroute']

export async function applyFixes(engine: Engine, problems: Problem[]): Promise<FixResult[]> {
  const repairable = problems.filter((p) => p.repair).sort((a, b) => ORDER.indexOf(a.repair!) - ORDER.indexOf(b.repair!))
  const results: FixResult[] = []
  for (const problem of repairable) {
    try {
      const message = await repair(engine, problem)
      results.push({problem: problem.id, app: problem.app, done: true, message})
    } catch (error) {
      results.push({problem: problem.id, app: problem.app, done: false, message: (error as Error).message})
    }
  }
  return results
}

async function repair(engine: Engine, problem: Problem): Promise<string> {
  const app = problem.app!
  switch (problem.repair) {
    case 'clear-lock': {
      clearLock(engine.settings.home, app)
      return `Cleared the stale lock of ${app}`
    }
    case 'boot-proxy': {
      const done = await engine.proxy.boot()
      return `Proxy ${engine.proxy.containerName} ${done}`
    }
    case 'recover': {
      const {recoverIfInterrupted} = await import('../lifecycle/reconcile.js')
      const recovered = await recoverIfInterrupted(engine, app)
      return recovered ? `Finished the interrupted operation of ${app}` : `${app} is busy; its running operation will finish it`
    }
    case 'reroute': {
      // The repair "discode update APP --to CURRENT" makes: routes the serving release again.
      const [{update}, {installedRecord}] = await Promise.all([import('../updates/update-path.js'), import('../state/installed.js')])
      const {current} = await installedRecord(engine.store, app)
      await update(engine, {app, to: current.version})
      return `Routed ${app} ${current.version} again`
    }
    default:
      return 'Nothing to do'
  }
}
