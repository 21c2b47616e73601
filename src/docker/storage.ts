import type {IncomingMessage} from 'node:http'

import type {DockerClient} from './client.js'
import {dockerError, isNotFound, statusOf} from './errors.js'

/** Creates the bridge network unless it exists; true when this call created it. */
export async function ensureNetwork(
  docker: DockerClient,
  name: string,
  labels: Record<string, string> = {'discode.network': 'true'},
): Promise<boolean> {
  try {
    await docker.getNetwork(name).inspect()
    return false
  } catch (error) {
    if (!isNotFound(error)) throw dockerError(error, `inspect network ${name}`)
  }
  try {
    await docker.createNetwork({Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: labels})
    return true
  } catch (error) {
    // Another discode may have created it between our inspect and create.
    if (statusOf(error) === 409) return false
    throw dockerError(error, `create network ${name}`)
  }
}

export async function ensureVolume(docker: DockerClient, name: string, labels: Record<string, string>): Promise<void> {
  try {
    await docker.getVolume(name).inspect()
  } catch (error) {
    if (!isNotFound(error)) throw dockerError(error, `inspect volume ${name}`)
    await docker.createVolume({Name: name, Labels: labels}).catch((e: unknown) => {
      throw dockerError(e, `create volume ${name}`)
    })
  }
}

/** A volume's labels ({} when it has none), or undefined when there is no volume of that name. */
export async function volumeLabels(docker: DockerClient, name: string): Promise<Record<string, string> | undefined> {
  try {
    const info = (await docker.getVolume(name).inspect()) as {Labels?: Record<string, string> | null}
    return info.Labels ?? {}
  } catch (error) {
    if (isNotFound(error)) return undefined
    throw dockerError(error, `inspect volume ${name}`)
  }
}

export async function listVolumes(docker: DockerClient, label: string): Promise<string[]> {
  try {
    const result = await docker.listVolumes({filters: {label: [label]}})
    return (result.Volumes ?? []).map((v) => v.Name)
  } catch (error) {
    throw dockerError(error, 'list volumes')
  }
}

export async function removeVolume(docker: DockerClient, name: string): Promise<void> {
  try {
    await docker.getVolume(name).remove()
  } catch (error) {
    if (!isNotFound(error)) throw dockerError(error, `remove volume ${name}`)
  }
}

/** A path's stat inside a container (volumes included), as `docker cp` sees it. */
export interface PathStat {
  size: number
  /** RFC 3339 with nanoseconds. */
  mtime: string
}

/**
 * Stats a path in a container through the archive API (a HEAD request): unlike `docker exec`, no
 * process starts in the container, so it costs a millisecond or two. Undefined when the path is missing.
 */
export async function statPath(docker: DockerClient, name: string, path: string): Promise<PathStat | undefined> {
  try {
    const response = (await docker.getContainer(name).infoArchive({path})) as IncomingMessage
    response.resume()
    return parsePathStat(response.headers['x-docker-container-path-stat'])
  } catch (error) {
    if (isNotFound(error)) return undefined
    throw dockerError(error, `stat ${path} in container ${name}`)
  }
}

/** Docker's X-Docker-Container-Path-Stat header: base64 of a JSON stat. */
export function parsePathStat(header: string | string[] | undefined): PathStat | undefined {
  if (typeof header !== 'string') return undefined
  const stat = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as {size: number; mtime: string}
  return {size: stat.size, mtime: stat.mtime}
}
