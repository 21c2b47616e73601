import {DiscodeError} from '../../errors.js'
import type {Recipe} from '../../recipes/schema.js'
import type {ReleaseRecord} from '../../state/store.js'
import type {Operation} from '../operation.js'
import type {ReleaseRuntime} from '../release-runtime.js'
import {hasProcesses, moveProcesses} from './move.js'

/**
 * After the web's switch, its processes follow (update, rollback): the new release's are started and
 * healthy, then the old ones stop (moveProcesses). When they never become healthy, the move is undone
 * (the old processes kept running) and the web is switched back to `left` with the recipe's strategy;
 * the new web is removed (an update's) or stopped (a rollback's target, kept). Returns `next` with the
 * processes the record keeps.
 */
export async function followWeb(
  op: Operation,
  move: {recipe: Recipe; runtime: ReleaseRuntime; next: ReleaseRecord; left?: ReleaseRecord; kind: 'update' | 'rollback'},
): Promise<ReleaseRecord> {
  const {recipe, next, left} = move
  if (!hasProcesses(recipe, [left, next])) return next
  try {
    return {...next, processes: await moveProcesses(op, recipe, next, move.runtime.processes)}
  } catch (error) {
    const problems = left ? await switchBack(op, move, left) : []
    throw processesFailed(error, {app: op.app, next, left, problems})
  }
}

async function switchBack(op: Operation, move: Parameters<typeof followWeb>[1], left: ReleaseRecord): Promise<string[]> {
  const {recipe, runtime, next, kind} = move
  try {
    await runtime.strategy(recipe).rollback(op, {recipe, current: next, target: left})
    await runtime.processes.dropWeb(op, next, kind)
    return []
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)]
  }
}

function processesFailed(error: unknown, what: {app: string; next: ReleaseRecord; left?: ReleaseRecord; problems: string[]}): DiscodeError {
  const {app, next, left, problems} = what
  const reason = error instanceof Error ? error.message : String(error)
  const serving = !left
    ? `The web of ${next.version} serves without its processes: once fixed, "discode update ${app}" starts them`
    : problems.length === 0
      ? `${left.version} serves again and its processes kept running: nothing was lost.`
      : `Switching back to ${left.version} had problems: ${problems.join('; ')}. See "discode status ${app}".`
  return new DiscodeError(`${next.version} was not deployed: ${reason}`, {
    hint: [serving, (error as DiscodeError).hint].filter(Boolean).join('\n'),
    code: (error as DiscodeError).code ?? 'PROCESS_UNHEALTHY',
    cause: error,
  })
}
