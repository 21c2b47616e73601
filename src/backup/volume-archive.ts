import {randomBytes} from 'node:crypto'
import type {Readable} from 'node:stream'

import type Dockerode from 'dockerode'

import {dockerError} from '../docker/docker.js'
import {LABELS} from '../names/names.js'

/**
 * Volume contents as tar streams, through Docker's archive API (GET/PUT /containers/{id}/archive) on
 * a container that mounts the volume and is created but never started. No process runs, so the copy
 * needs nothing inside any image (no tar, no shell: distroless images work) and no helper image to
 * pull: the container is made from an image already on the host (the app's own, or the accessory's),
 * whose entrypoint is replaced by a path that does not exist, as a guard. The daemon mounts the
 * volume for the archive call and keeps owners, modes and times in the tar.
 * The container carries `discode.hook`, so one left behind by a killed run is removed by reconcile.
 */

const MOUNT = '/discode-volume'

export interface VolumeRef {
  app: string
  /** Docker's volume name (`<app>-<volume>` or `<app>-<accessory>-<volume>`). */
  volume: string
  /** An image present on the host. */
  image: string
}

async function helper(docker: Dockerode, ref: VolumeRef): Promise<Dockerode.Container> {
  try {
    const options: Dockerode.ContainerCreateOptions = {
      name: `${ref.app}-backup-${randomBytes(4).toString('hex')}`,
      Image: ref.image,
      Entrypoint: ['/discode-never-started'],
      Cmd: [],
      Labels: {[LABELS.app]: ref.app, [LABELS.hook]: 'backup'},
      NetworkDisabled: true,
      // NoCopy: a new volume must not be filled from the image's files at the mount point.
      HostConfig: {Mounts: [{Type: 'volume', Source: ref.volume, Target: MOUNT, VolumeOptions: {NoCopy: true} as never}]},
    }
    return await docker.createContainer(options)
  } catch (error) {
    throw dockerError(error, `prepare a copy of volume ${ref.volume}`)
  }
}

/** Calls `use` with the volume's contents as a tar stream (entries `./...`), then removes the helper. */
export async function readVolume<T>(docker: Dockerode, ref: VolumeRef, use: (tar: Readable) => Promise<T>): Promise<T> {
  const container = await helper(docker, ref)
  try {
    let tar: Readable
    try {
      tar = (await container.getArchive({path: `${MOUNT}/.`})) as unknown as Readable
    } catch (error) {
      throw dockerError(error, `read volume ${ref.volume}`)
    }
    return await use(tar)
  } finally {
    await container.remove({force: true}).catch(() => {})
  }
}

/** Extracts a tar stream (as readVolume gives it) into the volume, which should be empty. */
export async function writeVolume(docker: Dockerode, ref: VolumeRef, tar: Readable): Promise<void> {
  const container = await helper(docker, ref)
  try {
    await container.putArchive(tar as unknown as string, {path: MOUNT})
  } catch (error) {
    throw dockerError(error, `write volume ${ref.volume}`)
  } finally {
    await container.remove({force: true}).catch(() => {})
  }
}

/** Helper containers a killed run left (they hold volumes, which a restore must remove). */
export async function removeHelpers(docker: Dockerode, app: string): Promise<void> {
  const leftovers = await docker.listContainers({all: true, filters: {label: [`${LABELS.app}=${app}`, `${LABELS.hook}=backup`]}})
  for (const info of leftovers)
    await docker
      .getContainer(info.Id)
      .remove({force: true})
      .catch(() => {})
}
