import {containerName, inspectContainer, listVolumes, removeContainer, removeImage, removeVolume} from '../docker/docker.js'
import {stopAccessories} from './accessories/status.js'
import {type NetworkRemoval, removeAppNetwork} from './app-network.js'
import type {Engine} from './context.js'
import {LABELS, notInstalledError, validateAppName} from '../names/names.js'
import {runOperation, step, type Timings} from './operation.js'
import {appContainers} from './release-container.js'

export interface UninstallResult {
  app: string
  containers: string[]
  volumes: {removed: string[]; kept: string[]}
  purged: boolean
  /** The app's own network, removed unless another tool's container uses it (none for a cluster app). */
  network?: NetworkRemoval
  timings: Timings
}

/**
 * uninstall: remove the route, every container and image of the app. Volumes and secrets stay (a
 * reinstall finds its data and the same generated passwords) unless `purge`.
 */
export async function uninstall(engine: Engine, options: {app: string; purge: boolean; wait?: boolean}): Promise<UninstallResult> {
  const {app, purge} = options
  validateAppName(app)
  // Checked before the lock too: taking it would leave a directory for an app discode never knew.
  await whatToRemove(engine, app, purge)
  return runOperation(engine, app, 'uninstall', {wait: options.wait}, async (op) => {
    const {record, containers, volumes} = await whatToRemove(engine, app, purge)

    await step(op, 'route', `Removing the route of ${app}`, async () => {
      if ((await inspectContainer(engine.docker, engine.proxy.containerName))?.State.Running) await engine.proxy.removeService(app)
    })
    await (await engine.runtimeFor(record)).removeApp(op)
    const names = containers.map(containerName)
    await step(op, 'containers', `Removing ${names.length} container(s)`, async () => {
      await stopAccessories(engine, containers)
      for (const name of names) await removeContainer(engine.docker, name)
      const images = new Set([
        ...containers.map((c) => c.ImageID),
        ...(record?.current ? [record.current.imageId] : []),
        ...(record?.previous ?? []).map((r) => r.imageId),
      ])
      for (const image of images) await removeImage(engine.docker, image)
    })
    const network = await removeAppNetwork(op)
    if (purge) {
      await step(op, 'volumes', `Removing ${volumes.length} volume(s) and the app's secrets`, async () => {
        for (const volume of volumes) await removeVolume(engine.docker, volume)
        engine.store.delete(app)
      })
    } else if (record) {
      await engine.store.write({...record, current: undefined, previous: []})
    }
    return {
      app,
      containers: names,
      volumes: purge ? {removed: volumes, kept: []} : {removed: [], kept: volumes},
      purged: purge,
      ...(network ? {network} : {}),
      timings: op.timings,
    }
  })
}

/** The app's record, containers and volumes; not installed when none of them is left to remove. */
async function whatToRemove(engine: Engine, app: string, purge: boolean) {
  const record = await engine.store.read(app)
  const containers = await appContainers({engine, app})
  const volumes = await listVolumes(engine.docker, `${LABELS.app}=${app}`)
  // After an uninstall that kept data, only --purge has something left to do.
  const leftovers = purge && (record !== undefined || volumes.length > 0)
  if (!record?.current && containers.length === 0 && !leftovers) throw notInstalledError(app)
  return {record, containers, volumes}
}
