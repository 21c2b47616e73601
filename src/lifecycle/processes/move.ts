import {createContainer, removeContainer, startContainer, stopContainer} from '../../docker/docker.js'
import type {Recipe} from '../../recipes/schema.js'
import type {ReleaseRecord} from '../../state/store.js'
import {type Operation, step} from '../operation.js'
import {ensureAppResources} from '../release-container.js'
import {stopRelease} from '../stop.js'
import {waitProcessHealthy} from './health.js'
import {declaredProcesses, planProcessMove, processCounts, type ProcessMove} from './plan.js'
import {listProcesses} from './select.js'
import {processContainerSpec} from './spec.js'

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
export async function moveProcesses(op: Operation, recipe: Recipe, target: ReleaseRecord): Promise<Record<string, number>> {
  const declared = declaredProcesses(recipe)
  const move = planProcessMove(op.app, target, declared, await listProcesses(op))
  try {
    if (move.stopFirst.length > 0) {
      await step(op, 'processes-stop', `Stopping ${move.stopFirst.join(', ')} (singleton)`, () => stopAll(op, move.stopFirst))
    }
    if (move.bringUp.length > 0 || move.remove.length > 0) {
      await step(op, 'processes', `Starting ${describe(move)} (${target.version})`, () => bringUp(op, recipe, target, move))
    }
  } catch (error) {
    await revertMove(op, move)
    throw error
  }
  if (move.stopAfter.length > 0) {
    await step(op, 'processes-retire', `Stopping ${move.stopAfter.join(', ')}`, () => stopAll(op, move.stopAfter))
  }
  return processCounts(declared)
}

function describe(move: ProcessMove): string {
  const names = [...new Set(move.bringUp.map((b) => b.process))]
  return names.map((name) => `${name} ×${move.bringUp.filter((b) => b.process === name).length}`).join(', ') || 'processes'
}

async function bringUp(op: Operation, recipe: Recipe, target: ReleaseRecord, move: ProcessMove): Promise<void> {
  const {docker} = op.engine
  for (const container of move.remove) await removeContainer(docker, container)
  if (move.bringUp.some((b) => b.create)) await ensureAppResources(op, recipe)
  for (const replica of move.bringUp) {
    if (replica.create) await createContainer(docker, processContainerSpec(op.engine.settings.network, op.app, recipe, target, replica))
    await startContainer(docker, replica.container)
  }
  await Promise.all(move.bringUp.map((b) => waitProcessHealthy(op, b, recipe.processes[b.process].health)))
}

async function stopAll(op: Operation, containers: string[]): Promise<void> {
  await Promise.all(containers.map((container) => stopRelease(op, {container})))
}

/** Step `processes-revert`: created replicas removed, started ones stopped, stopped singletons started again. */
export async function revertMove(op: Operation, move: ProcessMove): Promise<void> {
  const {docker} = op.engine
  await step(op, 'processes-revert', 'Undoing the process changes', async () => {
    for (const b of move.bringUp) {
      if (b.create) await removeContainer(docker, b.container)
      else await stopContainer(docker, b.container)
    }
    for (const container of move.stopFirst) await startContainer(docker, container)
  })
}

/**
 * Step `processes-pause`: the app's running process containers stop (each with its own signal and
 * timeout: a worker finishes its job) while a snapshot copies the volumes they write; the returned
 * function starts them again.
 */
export async function pauseProcesses(op: Operation): Promise<() => Promise<void>> {
  const running = (await listProcesses(op)).filter((p) => p.state === 'running').map((p) => p.container)
  if (running.length === 0) return async () => {}
  await step(op, 'processes-pause', `Stopping ${running.join(', ')} while the data is copied`, () => stopAll(op, running))
  return async () => {
    await step(op, 'processes-resume', `Starting ${running.join(', ')} again`, async () => {
      for (const container of running) await startContainer(op.engine.docker, container)
    })
  }
}

/** Before a restore removes the release containers: the processes stop cleanly (a worker finishes its job). */
export async function stopProcesses(op: Operation): Promise<void> {
  const running = (await listProcesses(op)).filter((p) => p.state === 'running').map((p) => p.container)
  if (running.length > 0) await step(op, 'processes-stop', `Stopping ${running.join(', ')}`, () => stopAll(op, running))
}
