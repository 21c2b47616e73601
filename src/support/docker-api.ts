/**
 * The two Engine API reports the support tools need: dockerode's `info()` and `version()`, cut to
 * what diagnoses a host.
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

export async function dockerInfo(docker: DockerClient): Promise<DockerInfo> {
  const info = (await docker.info().catch((error: unknown) => Promise.reject(dockerError(error, 'read docker info')))) as DockerInfo
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
  const version = (await docker
    .version()
    .catch((error: unknown) => Promise.reject(dockerError(error, 'read docker version')))) as DockerVersion
  return {Version: version.Version, ApiVersion: version.ApiVersion, Os: version.Os, Arch: version.Arch}
}
