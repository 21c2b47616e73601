/**
 * The two Engine API reports the support tools need and src/docker/docker.ts does not offer:
 * `GET /info` and `GET /version`. They go through the same transport as every other call: the
 * engine's docker-modem, or a dockerode instance's `modem`.
 */
import type {DockerClient} from '../docker/docker.js'
import {dockerError} from '../docker/docker.js'

/** The parts of `docker info` that diagnose a host. */
export interface DockerInfo {
  ServerVersion?: string
  DockerRootDir?: string
  MemTotal?: number
  NCPU?: number
  Architecture?: string
  OperatingSystem?: string
  KernelVersion?: string
  Driver?: string
  LoggingDriver?: string
  CgroupVersion?: string
  Containers?: number
  ContainersRunning?: number
  Images?: number
}

export interface DockerVersion {
  Version?: string
  ApiVersion?: string
  Os?: string
  Arch?: string
}

interface Dialer {
  dial(options: object, callback: (error: unknown, result: unknown) => void): void
}

function dialerOf(docker: DockerClient | {modem: Dialer}): Dialer {
  return 'modem' in docker ? docker.modem : (docker as unknown as Dialer)
}

function get<T>(docker: DockerClient, path: string, doing: string): Promise<T> {
  return new Promise((resolve, reject) => {
    dialerOf(docker).dial({path, method: 'GET', options: {}, statusCodes: {200: true, 500: 'server error'}}, (error, result) =>
      error ? reject(dockerError(error, doing)) : resolve(result as T),
    )
  })
}

export async function dockerInfo(docker: DockerClient): Promise<DockerInfo> {
  const info = await get<DockerInfo>(docker, '/info', 'read docker info')
  const keys: (keyof DockerInfo)[] = [
    'ServerVersion',
    'DockerRootDir',
    'MemTotal',
    'NCPU',
    'Architecture',
    'OperatingSystem',
    'KernelVersion',
    'Driver',
    'LoggingDriver',
    'CgroupVersion',
    'Containers',
    'ContainersRunning',
    'Images',
  ]
  // Only the essentials: the full report names registries' mirrors, proxies with credentials, labels...
  return Object.fromEntries(keys.filter((k) => info[k] !== undefined).map((k) => [k, info[k]])) as DockerInfo
}

export async function dockerVersion(docker: DockerClient): Promise<DockerVersion> {
  const version = await get<DockerVersion>(docker, '/version', 'read docker version')
  return {Version: version.Version, ApiVersion: version.ApiVersion, Os: version.Os, Arch: version.Arch}
}
