import type {Recipe} from '../../recipes/schema.js'
import type {ReleaseRecord} from '../../state/store.js'
import type {Engine} from '../context.js'
import type {Operation} from '../operation.js'
import type {BringUp, ProcessUnits, SeenProcess} from './plan.js'
import type {ProcessStatus} from './status.js'

/**
 * How a runtime carries out the acts of a process move (move.ts and follow.ts decide their order, the
 * same on every runtime): containers per replica on one host (containers.ts), a Swarm service per
 * process on a cluster (src/cluster/processes.ts). Each act takes the unit names planProcessMove gave.
 */
export interface ProcessRuntime {
  units: ProcessUnits
  /** The app's process units (containers, or services: scaled to 0 counts as stopped). */
  list(op: {engine: Engine; app: string}): Promise<SeenProcess[]>
  /** Creates the target's missing units and starts the stopped ones (not waiting for them). */
  bringUp(op: Operation, recipe: Recipe, target: ReleaseRecord, units: BringUp[]): Promise<void>
  /** Waits until a unit brought up is healthy (its replicas run, and pass the health command if any). */
  waitHealthy(op: Operation, recipe: Recipe, unit: BringUp): Promise<void>
  /** Stops units, each with its own stop signal and timeout, all at once. */
  stop(op: Operation, units: string[]): Promise<void>
  /** Starts stopped units again (a move undone, a snapshot's pause over). */
  start(op: Operation, units: string[]): Promise<void>
  remove(op: Operation, units: string[]): Promise<void>
  /** A failed move switched the web back: the new web goes (an update's) or stops (a rollback's target, kept). */
  dropWeb(op: Operation, release: ReleaseRecord, kind: 'update' | 'rollback'): Promise<void>
  /** The serving release's processes for status and doctor (`containers`: the app's, as Docker lists them). */
  statuses(
    engine: Engine,
    app: string,
    current: Pick<ReleaseRecord, 'key' | 'processes'>,
    containers: {Names: string[]; State: string; Labels: Record<string, string>}[],
  ): Promise<ProcessStatus[]>
}
