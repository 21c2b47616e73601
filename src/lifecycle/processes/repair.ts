import {loadInstalledRecipe, renderFor} from '../../recipes/installed.js'
import type {AppRecord} from '../../state/store.js'
import {type Operation, step} from '../operation.js'
import type {MissingReplica} from '../reconcile-plan.js'
import {containerProcesses} from './containers.js'
import type {ProcessRuntime} from './port.js'

/**
 * Step `processes-repair` of reconcile: the current release's process replicas that Docker no longer
 * lists (planProcessRepair) are created again from the installed recipe, as the release made them,
 * and started, so that the declared count runs again after any command that reconciles. They are not
 * waited for: a replica that does not come up is the release's problem (status shows it), not a
 * reason to refuse the command that may fix it. A process the installed recipe no longer declares is
 * left to the next update. The runtime's processes bring them up: containers on one host, a process's
 * service with its replicas on a cluster.
 */
export async function createMissingReplicas(
  op: Operation,
  record: AppRecord,
  missing: MissingReplica[],
  processes: ProcessRuntime = containerProcesses,
): Promise<void> {
  const current = record.current
  if (!current || missing.length === 0) return
  const names = missing.map((m) => m.container).join(', ')
  await step(op, 'processes-repair', `Creating ${names} again (${current.version})`, async () => {
    const {raw} = loadInstalledRecipe(op.engine.recipeRoots, record)
    const recipe = renderFor(op.app, raw, record.inputs, await op.engine.store.readSecrets(op.app), current)
    const declared = missing.filter((m) => recipe.processes[m.process])
    if (declared.length === 0) return
    for (const replica of declared) op.reporter.warn(replica.warn)
    await processes.bringUp(
      op,
      recipe,
      current,
      declared.map(({container, process, replica}) => ({container, process, replica, create: true})),
    )
  })
}
