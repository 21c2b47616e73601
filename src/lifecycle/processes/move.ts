import type {Recipe} from '../../recipes/schema.js'
import type {ReleaseRecord} from '../../state/store.js'
import {type Operation, step} from '../operation.js'
import {declaredProcesses, planProcessMove, processCounts, type ProcessMove} from './plan.js'
import type {ProcessRuntime} from './port.js'

/** The app's process runtime (as its record says: one host, or a cluster). */
export async function processRuntime(op: Operation): Promise<ProcessRuntime> {
  return (await op.engine.runtimeFor(await op.engine.store.read(op.app))).processes
}

/** Whether a move has anything to do: the recipe declares processes, or a release being left had some. */
export function hasProcesses(recipe: Pick<Recipe, 'processes'>, left: (ReleaseRecord | undefined)[]): boolean {
  return Object.keys(recipe.processes).length > 0 || left.some((r) => Object.keys(r?.processes ?? {}).length > 0)
}

/**
 * The processes follow `target` (planProcessMove): step `processes-stop` stops the singletons of other
 * releases, step `processes` creates or starts the target's replicas and waits until each is healthy,
 * step `processes-retire` stops every other release's (each with its own signal and timeout, all at
 * once). A failure before the target's are healthy is undone (revertMove): what was brought up goes,
 * the stopped singletons start again, nothing else was touched. Returns what the record keeps.
 */
export async function moveProcesses(
  op: Operation,
  recipe: Recipe,
  target: ReleaseRecord,
  given?: ProcessRuntime,
): Promise<Record<string, number>> {
  const runtime = given ?? (await processRuntime(op))
  const declared = declaredProcesses(recipe)
  const move = planProcessMove(op.app, target, declared, await runtime.list(op), runtime.units)
  try {
    if (move.stopFirst.length > 0) {
      await step(op, 'processes-stop', `Stopping ${move.stopFirst.join(', ')} (singleton)`, () => runtime.stop(op, move.stopFirst))
    }
    if (move.bringUp.length > 0 || move.remove.length > 0) {
      await step(op, 'processes', `Starting ${describe(move, recipe, runtime)} (${target.version})`, async () => {
        await runtime.remove(op, move.remove)
        await runtime.bringUp(op, recipe, target, move.bringUp)
        await Promise.all(move.bringUp.map((b) => runtime.waitHealthy(op, recipe, b)))
      })
    }
  } catch (error) {
    await revertMove(op, move, runtime)
    throw error
  }
  if (move.stopAfter.length > 0) {
    await step(op, 'processes-retire', `Stopping ${move.stopAfter.join(', ')}`, () => runtime.stop(op, move.stopAfter))
  }
  return processCounts(declared)
}

function describe(move: ProcessMove, recipe: Recipe, runtime: ProcessRuntime): string {
  const names = [...new Set(move.bringUp.map((b) => b.process))]
  const count = (name: string) =>
    runtime.units === 'service' ? (recipe.processes[name]?.replicas ?? 1) : move.bringUp.filter((b) => b.process === name).length
  return names.map((name) => `${name} ×${count(name)}`).join(', ') || 'processes'
}

/** Step `processes-revert`: created units removed, started ones stopped, stopped singletons started again. */
export async function revertMove(op: Operation, move: ProcessMove, runtime: ProcessRuntime): Promise<void> {
  await step(op, 'processes-revert', 'Undoing the process changes', async () => {
    await runtime.remove(
      op,
      move.bringUp.filter((b) => b.create).map((b) => b.container),
    )
    await runtime.stop(
      op,
      move.bringUp.filter((b) => !b.create).map((b) => b.container),
    )
    await runtime.start(op, move.stopFirst)
  })
}

/**
 * Step `processes-pause`: the app's running process containers stop (each with its own signal and
 * timeout: a worker finishes its job) while a snapshot copies the volumes they write; the returned
 * function starts them again.
 */
export async function pauseProcesses(op: Operation): Promise<() => Promise<void>> {
  const runtime = await processRuntime(op)
  const running = (await runtime.list(op)).filter((p) => p.state === 'running').map((p) => p.container)
  if (running.length === 0) return async () => {}
  await step(op, 'processes-pause', `Stopping ${running.join(', ')} while the data is copied`, () => runtime.stop(op, running))
  return async () => {
    await step(op, 'processes-resume', `Starting ${running.join(', ')} again`, () => runtime.start(op, running))
  }
}

/** Before a restore removes the release containers: the processes stop cleanly (a worker finishes its job). */
export async function stopProcesses(op: Operation, given?: ProcessRuntime): Promise<void> {
  const runtime = given ?? (await processRuntime(op))
  const running = (await runtime.list(op)).filter((p) => p.state === 'running').map((p) => p.container)
  if (running.length > 0) await step(op, 'processes-stop', `Stopping ${running.join(', ')}`, () => runtime.stop(op, running))
}
