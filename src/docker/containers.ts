import type {ContainerCreateOptions, ContainerInfo as DockerContainerInfo, ContainerInspectInfo} from 'dockerode'

import type {DockerClient} from './client.js'
import {dockerError, isNotFound, statusOf} from './errors.js'

export type ContainerInfo = DockerContainerInfo
export type ContainerInspect = ContainerInspectInfo

export interface ContainerSpec {
  name: string
  image: string
  env?: Record<string, string>
  labels?: Record<string, string>
  network: string
  /** Extra DNS names on the network besides the container name. */
  aliases?: string[]
  volumes?: {source: string; target: string}[]
  cmd?: string[]
  /** `unless-stopped` for long-lived containers, none for one-off runs. */
  restart?: boolean
  ports?: {containerPort: number; hostPort: number; hostIp?: string}[]
  /** A Docker HEALTHCHECK (`CMD` form) run inside the container; Docker reports it in State.Health. */
  healthcheck?: {test: string[]; intervalMs: number; timeoutMs: number; retries: number; startPeriodMs: number; startIntervalMs?: number}
  /** Docker's --init (tini as PID 1, forwarding signals to the app). */
  init?: boolean
  /**
   * How `docker stop` ends it: this signal (none: the image's STOPSIGNAL), then SIGKILL after the
   * timeout. Every later stop uses them.
   */
  stop?: {signal?: string; timeoutSeconds: number}
}

/** Log limits as Kamal sets them: a busy app must not fill the disk. */
const LOG_CONFIG = {Type: 'json-file', Config: {'max-size': '10m', 'max-file': '3'}}

export async function createContainer(docker: DockerClient, spec: ContainerSpec): Promise<void> {
  try {
    // The name alone in the query string: dockerode would send the whole config there too, and the
    // environment holds the app's secrets.
    await docker.createContainer({_query: {name: spec.name}, _body: containerConfig(spec)} as unknown as ContainerCreateOptions)
  } catch (error) {
    throw dockerError(error, `create container ${spec.name}`)
  }
}

/** The Engine API's container config (create body) for a spec. */
export function containerConfig(spec: ContainerSpec) {
  const exposed: Record<string, object> = {}
  const bindings: Record<string, {HostIp?: string; HostPort: string}[]> = {}
  for (const p of spec.ports ?? []) {
    exposed[`${p.containerPort}/tcp`] = {}
    bindings[`${p.containerPort}/tcp`] = [{HostIp: p.hostIp ?? '', HostPort: String(p.hostPort)}]
  }
  return {
    Image: spec.image,
    Env: Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
    Labels: spec.labels ?? {},
    Cmd: spec.cmd,
    ExposedPorts: exposed,
    ...(spec.healthcheck ? {Healthcheck: healthConfig(spec.healthcheck)} : {}),
    ...(spec.stop?.signal ? {StopSignal: spec.stop.signal} : {}),
    ...(spec.stop ? {StopTimeout: spec.stop.timeoutSeconds} : {}),
    HostConfig: {
      ...(spec.init ? {Init: true} : {}),
      NetworkMode: spec.network,
      Mounts: (spec.volumes ?? []).map((v) => ({Type: 'volume' as const, Source: v.source, Target: v.target})),
      RestartPolicy: spec.restart ? {Name: 'unless-stopped'} : {Name: ''},
      LogConfig: LOG_CONFIG,
      PortBindings: bindings,
    },
    NetworkingConfig: {EndpointsConfig: {[spec.network]: {Aliases: spec.aliases ?? []}}},
  }
}

/** Docker wants nanoseconds; StartInterval (API 1.44+) is ignored by older engines. */
function healthConfig(check: NonNullable<ContainerSpec['healthcheck']>) {
  const ns = (ms: number) => ms * 1_000_000
  return {
    Test: ['CMD', ...check.test],
    Interval: ns(check.intervalMs),
    Timeout: ns(check.timeoutMs),
    Retries: check.retries,
    StartPeriod: ns(check.startPeriodMs),
    ...(check.startIntervalMs ? {StartInterval: ns(check.startIntervalMs)} : {}),
  }
}

export async function renameContainer(docker: DockerClient, name: string, newName: string): Promise<void> {
  try {
    await docker.getContainer(name).rename({name: newName})
  } catch (error) {
    throw dockerError(error, `rename container ${name} to ${newName}`)
  }
}

export async function inspectContainer(docker: DockerClient, name: string): Promise<ContainerInspect | undefined> {
  try {
    return await docker.getContainer(name).inspect()
  } catch (error) {
    if (isNotFound(error)) return undefined
    throw dockerError(error, `inspect container ${name}`)
  }
}

/** A listed container's name (Docker lists names with a leading slash). */
export function containerName(container: {Names: string[]}): string {
  return container.Names[0]?.replace(/^\//, '') ?? ''
}

/** Containers (running or not) carrying every given label (`key` or `key=value`). */
export async function listContainers(docker: DockerClient, labels: string[]): Promise<ContainerInfo[]> {
  try {
    return await docker.listContainers({all: true, filters: {label: labels}})
  } catch (error) {
    throw dockerError(error, 'list containers')
  }
}

export async function startContainer(docker: DockerClient, name: string): Promise<void> {
  try {
    await docker.getContainer(name).start()
  } catch (error) {
    // 304: already running.
    if (statusOf(error) !== 304) throw dockerError(error, `start container ${name}`)
  }
}

/** Stops a container; without `timeoutSeconds` Docker uses the container's own stop timeout (see ContainerSpec.stop). */
export async function stopContainer(docker: DockerClient, name: string, timeoutSeconds?: number): Promise<void> {
  try {
    await docker.getContainer(name).stop(timeoutSeconds === undefined ? {} : {t: timeoutSeconds})
  } catch (error) {
    const status = statusOf(error)
    if (status !== 304 && status !== 404) throw dockerError(error, `stop container ${name}`)
  }
}

export async function removeContainer(docker: DockerClient, name: string): Promise<void> {
  try {
    await docker.getContainer(name).remove({force: true, v: false})
  } catch (error) {
    if (!isNotFound(error)) throw dockerError(error, `remove container ${name}`)
  }
}

/** The processes running in a container, as `docker top` shows them. */
export async function listProcesses(docker: DockerClient, name: string): Promise<{Titles: string[]; Processes: string[][]}> {
  return (await docker.getContainer(name).top()) as {Titles: string[]; Processes: string[][]}
}
