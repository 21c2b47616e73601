import {type ContainerInfo, containerName, inspectContainer, stopContainer} from '../../docker/docker.js'
import type {AppRecord} from '../../state/store.js'
import type {Engine} from '../context.js'
import {LABELS} from '../../names/names.js'
import {type StopReport, stopReport} from '../stop-policy.js'
import {healthOf} from './health.js'
import {ACCESSORY_LABELS, accessoryContainerName} from './spec.js'

export interface AccessoryStatus {
  name: string
  container: string
  image?: string
  /** Docker's state: running, exited, ... or missing. */
  state: string
  health: 'healthy' | 'unhealthy' | 'starting' | 'running' | 'stopped' | 'missing'
  /** How it stops: the effective signal, where it came from (recipe or image), the timeout in seconds. */
  stop?: StopReport
}

/**
 * The app's accessories with their health: those its recipe had at the last deploy (kept in the
 * record, so a report never has to load a recipe) and any container Docker still has for it.
 * `containers` are the app's containers as listed by the caller (one listing serves many apps).
 */
export async function accessoryStatuses(engine: Engine, record: AppRecord, appContainers: ContainerInfo[]): Promise<AccessoryStatus[]> {
  const app = record.app
  const containers = appContainers.filter(
    (c) =>
      c.Labels[LABELS.app] === app &&
      c.Labels[ACCESSORY_LABELS.accessory] &&
      containerName(c) === accessoryContainerName(app, c.Labels[ACCESSORY_LABELS.accessory]),
  )
  const names = [...new Set([...(record.accessories ?? []), ...containers.map((c) => c.Labels[ACCESSORY_LABELS.accessory])])].sort()
  return Promise.all(names.map((name) => statusOf(engine, app, name, containers)))
}

async function statusOf(engine: Engine, app: string, name: string, containers: ContainerInfo[]): Promise<AccessoryStatus> {
  const container = containers.find((c) => c.Labels[ACCESSORY_LABELS.accessory] === name)
  const named = accessoryContainerName(app, name)
  if (!container) return {name, container: named, state: 'missing', health: 'missing'}
  const info = await inspectContainer(engine.docker, named)
  const stop = info && stopReport(info.Config, 'accessory')
  if (container.State !== 'running')
    return {name, container: named, image: container.Image, state: container.State, health: 'stopped', stop}
  const health = info ? await healthOf(engine, info) : 'starting'
  // A path check that does not answer on a running container is a failing one.
  return {
    name,
    container: named,
    image: container.Image,
    state: container.State,
    health: health === 'starting' && !info?.State.Health ? 'unhealthy' : health,
    stop,
  }
}

/** Stops accessory containers before they are removed, each with the stop timeout it was created with. */
export async function stopAccessories(engine: Engine, containers: ContainerInfo[]): Promise<void> {
  for (const container of containers) {
    if (container.Labels[ACCESSORY_LABELS.accessory] && container.State === 'running') {
      await stopContainer(engine.docker, containerName(container))
    }
  }
}
