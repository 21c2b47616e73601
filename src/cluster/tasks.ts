import type {TaskInfo} from '../docker/swarm.js'

/**
 * Where a release's replicas stand, judged from its tasks (pure):
 * - `ready`: as many tasks run as wanted (each with desired state running);
 * - `failed`: tasks keep failing (Swarm restarts them forever, so a few failures mean a broken
 *   release: it crashes at start, or no node can run it) or a task was rejected;
 * - `waiting` otherwise (pulling, starting, not placed yet).
 */
export interface ReplicaState {
  verdict: 'ready' | 'waiting' | 'failed'
  running: number
  wanted: number
  /** Why tasks fail or wait (Swarm's own words), when they do. */
  reason?: string
}

/** Failed starts of a service's tasks after which its release is judged broken. */
export const FAILED_TASKS_LIMIT = 3

export function judgeReplicas(tasks: TaskInfo[], wanted: number, since?: Date): ReplicaState {
  const current = tasks.filter((t) => t.desiredState === 'running')
  const running = current.filter((t) => t.state === 'running').length
  // A kept service scaled up again has old failures in its history (a node lost last week): only
  // tasks created since the wait began count.
  const recent = since ? tasks.filter((t) => !t.createdAt || Date.parse(t.createdAt) >= since.getTime()) : tasks
  const failed = recent.filter((t) => t.state === 'failed' || t.state === 'rejected')
  const newestFailure = [...failed].sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? ''))[0]
  if (running >= wanted) return {verdict: 'ready', running, wanted}
  if (failed.some((t) => t.state === 'rejected') || failed.length >= FAILED_TASKS_LIMIT) {
    return {verdict: 'failed', running, wanted, reason: failureReason(newestFailure)}
  }
  const stuck = current.find((t) => t.state === 'pending' && t.error)
  return {verdict: 'waiting', running, wanted, reason: stuck?.error ?? (newestFailure && failureReason(newestFailure))}
}

/**
 * After the proxy gave up on a release (its health check timed out, or it could not resolve the
 * service), whether the replicas crashed meanwhile: any task created since the release started that
 * failed while fewer than `wanted` run. Then the crash, not the proxy's symptom, is what to report,
 * whichever of the two was seen first.
 */
export function crashedReplicas(tasks: TaskInfo[], wanted: number, since: Date): string | undefined {
  const recent = tasks.filter((t) => !t.createdAt || Date.parse(t.createdAt) >= since.getTime())
  const failed = recent.filter((t) => t.state === 'failed' || t.state === 'rejected')
  const running = tasks.filter((t) => t.desiredState === 'running' && t.state === 'running').length
  if (failed.length === 0 || running >= wanted) return undefined
  const newest = [...failed].sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? ''))[0]
  return failureReason(newest)
}

function failureReason(task: TaskInfo | undefined): string | undefined {
  if (!task) return undefined
  const exit = task.exitCode === undefined ? '' : ` (exit ${task.exitCode})`
  return `${task.error ?? task.state}${exit}`
}

/** How a one-off job ended: its task completed (exit 0) or failed, or it still runs. */
export function judgeJob(tasks: TaskInfo[]): {done: false} | {done: true; exitCode: number; reason?: string} {
  const task = tasks[0]
  if (!task) return {done: false}
  if (task.state === 'complete') return {done: true, exitCode: 0}
  if (['failed', 'rejected', 'shutdown', 'orphaned'].includes(task.state)) {
    return {done: true, exitCode: task.exitCode ?? 1, reason: task.error}
  }
  return {done: false}
}

/** The replicas running on each node (node id → count), for status. */
export function replicasByNode(tasks: TaskInfo[]): Record<string, number> {
  const byNode: Record<string, number> = {}
  for (const t of tasks) {
    if (t.desiredState === 'running' && t.state === 'running' && t.nodeId) byNode[t.nodeId] = (byNode[t.nodeId] ?? 0) + 1
  }
  return byNode
}

/** Task states after which a task's container is gone or stopped for good. */
const ENDED = new Set(['complete', 'failed', 'rejected', 'shutdown', 'orphaned', 'remove'])

/** The tasks that still run (or are about to): a service scaled to 0 has stopped once there are none. */
export function tasksStillUp(tasks: TaskInfo[]): number {
  return tasks.filter((t) => !ENDED.has(t.state)).length
}
