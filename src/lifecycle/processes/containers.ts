import {createContainer, type DockerClient, inspectContainer, removeContainer, startContainer, stopContainer} from '../../docker/docker.js'
import {stopReport} from '../stop-policy.js'
import {stopRelease} from '../stop.js'
import {waitProcessHealthy} from './health.js'
import {processContainerName} from './plan.js'
import type {ProcessRuntime} from './port.js'
import {listProcesses} from './select.js'
import {processContainerSpec} from './spec.js'
import {type ProcessStatus, processStatuses} from './status.js'

/** Processes on one host: a container per replica, on the app's network, beside the web's container. */
export const containerProcesses: ProcessRuntime = {
  units: 'replica',
  list: (op) => listProcesses(op),
  async bringUp(op, recipe, target, units) {
    const {docker} = op.engine
    // Deploy code, loaded when a deploy uses it (see release-runtime.ts).
    if (units.some((b) => b.create)) await (await import('../release-container.js')).ensureAppResources(op, recipe)
    for (const replica of units) {
      if (replica.create) await createContainer(docker, processContainerSpec(op.engine.settings.network, op.app, recipe, target, replica))
      await startContainer(docker, replica.container)
    }
  },
  waitHealthy: (op, recipe, unit) => waitProcessHealthy(op, unit, recipe.processes[unit.process].health),
  async stop(op, units) {
    await Promise.all(units.map((container) => stopRelease(op, {container})))
  },
  async start(op, units) {
    for (const container of units) await startContainer(op.engine.docker, container)
  },
  async remove(op, units) {
    for (const container of units) await removeContainer(op.engine.docker, container)
  },
  async dropWeb(op, release, kind) {
    if (kind === 'update') await removeContainer(op.engine.docker, release.container)
    else await stopContainer(op.engine.docker, release.container)
  },
  statuses: async (engine, app, current, containers) =>
    Promise.all(processStatuses(current, containers).map((process) => withStop(engine.docker, process, app, current.key))),
}

/** A process's stop settings, as its serving replica was created with them (the same for every replica). */
async function withStop(docker: DockerClient, process: ProcessStatus, app: string, key: string): Promise<ProcessStatus> {
  const own = process.containers.find((c) => c.name === processContainerName(app, key, process.name, c.replica))
  const info = own && (await inspectContainer(docker, own.name))
  return info ? {...process, stop: stopReport(info.Config, 'process')} : process
}
