import type {ContainerInfo as DockerContainerInfo, ContainerInspectInfo} from 'dockerode'
import Modem from 'docker-modem'
import {Agent, type AgentOptions, type IncomingMessage} from 'node:http'
import {PassThrough, type Writable} from 'node:stream'

import {DiscodeError} from '../errors.js'

/**
 * Docker access for the engine: every call to the Docker API goes through here, so errors reach the
 * user as one line with a hint and the rest of the engine speaks in containers, not HTTP.
 *
 * The calls go through docker-modem, the transport dockerode is built on (unix socket, TCP + TLS,
 * ssh DOCKER_HOSTs, hijacked streams, demultiplexing, pull progress), with the Engine API paths
 * dockerode would use. dockerode itself is not loaded: its entry point eagerly loads gRPC and
 * protobuf for BuildKit sessions discode never opens, which cost every command a few hundred ms of
 * start-up. Its type definitions still describe the responses.
 */

export type DockerClient = Modem
export type ContainerInfo = DockerContainerInfo
export type ContainerInspect = ContainerInspectInfo

/** docker-modem reads DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH itself. */
export function connectDocker(): DockerClient {
  const host = process.env.DOCKER_HOST
  return new Modem(!host || host.startsWith('unix://') ? {agent: unixSocketAgent()} : {})
}

/**
 * Node's default agent (keep-alive, as before), naming no TLS server. Node works out a server name for
 * every request, even over a unix socket, and the IPv6 test it runs for that compiles a large regular
 * expression on first use: some 10 ms of each command's start-up, for a name a socket never uses.
 */
function unixSocketAgent(): Agent {
  return new Agent({keepAlive: true, scheduling: 'lifo', timeout: 5000, servername: ''} as AgentOptions)
}

/** One Engine API request (the shape dockerode sends); rejects with docker-modem's error (statusCode, json). */
function call<T>(docker: DockerClient, options: Modem.DialOptions): Promise<T> {
  return new Promise((resolve, reject) => {
    docker.dial(options, (error, result) => (error ? reject(error) : resolve(result as T)))
  })
}

const SERVER_ERROR = {500: 'server error'}

export class DockerUnavailableError extends DiscodeError {}

export async function assertDockerRunning(docker: DockerClient): Promise<void> {
  try {
    await call(docker, {path: '/_ping', method: 'GET', statusCodes: {200: true, ...SERVER_ERROR}})
  } catch (error) {
    throw dockerError(error, 'reach Docker')
  }
}

/** Turns dockerode's errors (HTTP status + JSON body, or socket errors) into DiscodeErrors. */
export function dockerError(error: unknown, doing: string): DiscodeError {
  if (error instanceof DiscodeError) return error
  const err = error as {code?: string; statusCode?: number; json?: {message?: string}; message?: string}
  if (err.code === 'ECONNREFUSED' || err.code === 'ENOENT' || err.code === 'EACCES') {
    const where = process.env.DOCKER_HOST || '/var/run/docker.sock'
    return new DockerUnavailableError(`Docker is not running or not reachable at ${where} (${err.code})`, {
      hint:
        err.code === 'EACCES'
          ? 'Run discode as root or as a member of the docker group'
          : 'Start Docker (e.g. "sudo systemctl start docker") or set DOCKER_HOST',
      code: 'DOCKER_UNAVAILABLE',
      cause: error,
    })
  }
  const detail = (err.json?.message ?? err.message ?? String(error)).replace(/^\(HTTP code \d+\)\s*/, '').split('\n')[0]
  return new DiscodeError(`Could not ${doing}: ${detail}`, {code: 'DOCKER_ERROR', cause: error})
}

function isNotFound(error: unknown): boolean {
  return (error as {statusCode?: number}).statusCode === 404
}

export async function ensureNetwork(docker: DockerClient, name: string): Promise<boolean> {
  try {
    await call(docker, {
      path: `/networks/${encodeURIComponent(name)}`,
      method: 'GET',
      statusCodes: {200: true, 404: 'no such network', ...SERVER_ERROR},
    })
    return false
  } catch (error) {
    if (!isNotFound(error)) throw dockerError(error, `inspect network ${name}`)
  }
  try {
    await call(docker, {
      path: '/networks/create',
      method: 'POST',
      options: {Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: {'discode.network': 'true'}},
      statusCodes: {200: true, 201: true, 404: 'driver not found', 409: 'network already exists', ...SERVER_ERROR},
    })
    return true
  } catch (error) {
    // Another discode may have created it between our inspect and create.
    if ((error as {statusCode?: number}).statusCode === 409) return false
    throw dockerError(error, `create network ${name}`)
  }
}

export async function ensureVolume(docker: DockerClient, name: string, labels: Record<string, string>): Promise<void> {
  try {
    await call(docker, {
      path: `/volumes/${encodeURIComponent(name)}`,
      method: 'GET',
      statusCodes: {200: true, 404: 'no such volume', ...SERVER_ERROR},
    })
  } catch (error) {
    if (!isNotFound(error)) throw dockerError(error, `inspect volume ${name}`)
    await call(docker, {
      path: '/volumes/create',
      method: 'POST',
      options: {Name: name, Labels: labels},
      statusCodes: {200: true, 201: true, ...SERVER_ERROR},
    }).catch((e) => {
      throw dockerError(e, `create volume ${name}`)
    })
  }
}

export async function listVolumes(docker: DockerClient, label: string): Promise<string[]> {
  try {
    const result = await call<{Volumes?: {Name: string}[]}>(docker, {
      path: '/volumes?',
      method: 'GET',
      options: {filters: {label: [label]}},
      statusCodes: {200: true, 400: 'bad parameter', ...SERVER_ERROR},
    })
    return (result.Volumes ?? []).map((v) => v.Name)
  } catch (error) {
    throw dockerError(error, 'list volumes')
  }
}

export async function removeVolume(docker: DockerClient, name: string): Promise<void> {
  try {
    await call(docker, {
      path: `/volumes/${encodeURIComponent(name)}`,
      method: 'DELETE',
      statusCodes: {204: true, 404: 'no such volume', 409: 'volume is in use', ...SERVER_ERROR},
    })
  } catch (error) {
    if (!isNotFound(error)) throw dockerError(error, `remove volume ${name}`)
  }
}

export interface ImageInfo {
  id: string
  repoDigests: string[]
}

export async function inspectImage(docker: DockerClient, ref: string): Promise<ImageInfo | undefined> {
  try {
    const info = await call<{Id: string; RepoDigests?: string[]}>(docker, {
      path: `/images/${ref}/json`,
      method: 'GET',
      statusCodes: {200: true, 404: 'no such image', ...SERVER_ERROR},
    })
    return {id: info.Id, repoDigests: info.RepoDigests ?? []}
  } catch (error) {
    if (isNotFound(error)) return undefined
    throw dockerError(error, `inspect image ${ref}`)
  }
}

export async function removeImage(docker: DockerClient, ref: string): Promise<void> {
  try {
    await call(docker, {
      path: `/images/${ref}`,
      method: 'DELETE',
      statusCodes: {200: true, 404: 'no such image', 409: 'conflict', ...SERVER_ERROR},
    })
  } catch (error) {
    // 409: still used by another container (e.g. another app on the same image); that is fine.
    const status = (error as {statusCode?: number}).statusCode
    if (status !== 404 && status !== 409) throw dockerError(error, `remove image ${ref}`)
  }
}

export interface PullProgress {
  /** Bytes downloaded so far over all layers, and the total known so far. */
  current: number
  total: number
  status: string
}

export interface RegistryAuth {
  username: string
  password: string
  serveraddress: string
}

export async function pullImage(
  docker: DockerClient,
  ref: string,
  options: {onProgress?: (progress: PullProgress) => void; auth?: RegistryAuth} = {},
): Promise<void> {
  let stream: NodeJS.ReadableStream
  try {
    const {repository, tag} = splitReference(ref)
    stream = await call<NodeJS.ReadableStream>(docker, {
      path: '/images/create?',
      method: 'POST',
      options: {_query: {fromImage: repository, tag}, _body: {}},
      authconfig: options.auth,
      isStream: true,
      statusCodes: {200: true, ...SERVER_ERROR},
    })
  } catch (error) {
    throw pullError(ref, error)
  }
  const layers = new Map<string, {current: number; total: number}>()
  await new Promise<void>((resolve, reject) => {
    docker.followProgress(
      stream,
      (error: unknown) => (error ? reject(pullError(ref, error)) : resolve()),
      (event: {id?: string; status?: string; progressDetail?: {current?: number; total?: number}}) => {
        if (event.id && event.progressDetail?.total) {
          layers.set(event.id, {current: event.progressDetail.current ?? 0, total: event.progressDetail.total})
        } else if (event.id && event.status === 'Pull complete') {
          const layer = layers.get(event.id)
          if (layer) layer.current = layer.total
        }
        let current = 0
        let total = 0
        for (const layer of layers.values()) {
          current += layer.current
          total += layer.total
        }
        options.onProgress?.({current, total, status: event.status ?? ''})
      },
    )
  })
}

function pullError(ref: string, error: unknown): DiscodeError {
  const base = dockerError(error, `pull ${ref}`)
  if (base.code === 'DOCKER_UNAVAILABLE') return base
  const registry = registryOf(ref)
  const text = base.message
  if (/unauthorized|authentication required|no basic auth credentials|denied|401/i.test(text)) {
    return new DiscodeError(`The registry ${registry} refused to let discode pull ${ref} (unauthorized)`, {
      hint: 'Give the credentials the vendor sent you: reinstall with --registry-user and --registry-password (or DISCODE_REGISTRY_PASSWORD), or check the license key',
      code: 'REGISTRY_UNAUTHORIZED',
      cause: error,
    })
  }
  const hint = /not found|manifest unknown/i.test(text)
    ? `The vendor's feed names an image the registry does not have; ask the vendor or pick another version with --to`
    : `Check that ${ref} exists and that ${registry} is reachable from this server`
  return new DiscodeError(text, {hint, code: 'PULL_FAILED', cause: error})
}

/**
 * `fromImage` and `tag` of a pull, split as dockerode splits them: a digest after `@` goes as the
 * tag; a colon in the registry host (a port) is not a tag; no tag means `latest`.
 */
export function splitReference(ref: string): {repository: string; tag: string} {
  const digest = ref.indexOf('@')
  const separator = digest >= 0 ? digest : ref.lastIndexOf(':')
  const tag = separator >= 0 ? ref.slice(separator + 1) : ''
  if (separator < 0 || tag.includes('/')) return {repository: ref, tag: 'latest'}
  return {repository: ref.slice(0, separator), tag}
}

/** The registry host of an image reference (Docker's rule: a first part with a dot, colon or "localhost"). */
export function registryOf(ref: string): string {
  const first = ref.split('/')[0]
  return ref.includes('/') && (/[.:]/.test(first) || first === 'localhost') ? first : 'docker.io'
}

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
  /** How `docker stop` ends it: this signal, then SIGKILL after the timeout. Every later stop uses them. */
  stop?: {signal: string; timeoutSeconds: number}
}

/** Log limits as Kamal sets them: a busy app must not fill the disk. */
const LOG_CONFIG = {Type: 'json-file', Config: {'max-size': '10m', 'max-file': '3'}}

export async function createContainer(docker: DockerClient, spec: ContainerSpec): Promise<void> {
  const exposed: Record<string, object> = {}
  const bindings: Record<string, {HostIp?: string; HostPort: string}[]> = {}
  for (const p of spec.ports ?? []) {
    exposed[`${p.containerPort}/tcp`] = {}
    bindings[`${p.containerPort}/tcp`] = [{HostIp: p.hostIp ?? '', HostPort: String(p.hostPort)}]
  }
  try {
    const config = {
      Image: spec.image,
      Env: Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
      Labels: spec.labels ?? {},
      Cmd: spec.cmd,
      ExposedPorts: exposed,
      ...(spec.healthcheck ? {Healthcheck: healthConfig(spec.healthcheck)} : {}),
      ...(spec.stop ? {StopSignal: spec.stop.signal, StopTimeout: spec.stop.timeoutSeconds} : {}),
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
    await call(docker, {
      path: '/containers/create?',
      method: 'POST',
      options: {_query: {name: spec.name}, _body: config},
      statusCodes: {200: true, 201: true, 404: 'no such image', 406: 'impossible to attach', 409: 'name in use', ...SERVER_ERROR},
    })
  } catch (error) {
    throw dockerError(error, `create container ${spec.name}`)
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
    await call(docker, {
      path: `${containerPath(name)}/rename?`,
      method: 'POST',
      options: {_query: {name: newName}, _body: {}},
      statusCodes: {200: true, 204: true, 404: 'no such container', 409: 'name in use', ...SERVER_ERROR},
    })
  } catch (error) {
    throw dockerError(error, `rename container ${name} to ${newName}`)
  }
}

export async function inspectContainer(docker: DockerClient, name: string): Promise<ContainerInspect | undefined> {
  try {
    return await call<ContainerInspect>(docker, {
      path: `${containerPath(name)}/json`,
      method: 'GET',
      statusCodes: {200: true, 404: 'no such container', ...SERVER_ERROR},
    })
  } catch (error) {
    if (isNotFound(error)) return undefined
    throw dockerError(error, `inspect container ${name}`)
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
    const response = await call<IncomingMessage>(docker, {
      path: `${containerPath(name)}/archive?`,
      method: 'HEAD',
      isStream: true,
      options: {path},
      statusCodes: {200: true, 400: 'bad parameter', 404: 'no such container or path', ...SERVER_ERROR},
    })
    response.resume()
    const header = response.headers['x-docker-container-path-stat']
    if (typeof header !== 'string') return undefined
    const stat = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as {size: number; mtime: string}
    return {size: stat.size, mtime: stat.mtime}
  } catch (error) {
    if (isNotFound(error)) return undefined
    throw dockerError(error, `stat ${path} in container ${name}`)
  }
}

/** A listed container's name (Docker lists names with a leading slash). */
export function containerName(container: {Names: string[]}): string {
  return container.Names[0]?.replace(/^\//, '') ?? ''
}

/** Containers (running or not) carrying every given label (`key` or `key=value`). */
export async function listContainers(docker: DockerClient, labels: string[]): Promise<ContainerInfo[]> {
  try {
    return await call<ContainerInfo[]>(docker, {
      path: '/containers/json?',
      method: 'GET',
      options: {all: true, filters: {label: labels}},
      statusCodes: {200: true, 400: 'bad parameter', ...SERVER_ERROR},
    })
  } catch (error) {
    throw dockerError(error, 'list containers')
  }
}

export async function startContainer(docker: DockerClient, name: string): Promise<void> {
  try {
    await call(docker, {
      path: `${containerPath(name)}/start`,
      method: 'POST',
      statusCodes: {204: true, 304: 'container already started', 404: 'no such container', ...SERVER_ERROR},
    })
  } catch (error) {
    // 304: already running.
    if ((error as {statusCode?: number}).statusCode !== 304) throw dockerError(error, `start container ${name}`)
  }
}

/** Stops a container; without `timeoutSeconds` Docker uses the container's own stop timeout (see ContainerSpec.stop). */
export async function stopContainer(docker: DockerClient, name: string, timeoutSeconds?: number): Promise<void> {
  try {
    await call(docker, {
      path: `${containerPath(name)}/stop?`,
      method: 'POST',
      options: {_query: timeoutSeconds === undefined ? {} : {t: timeoutSeconds}, _body: {}},
      statusCodes: {204: true, 304: 'container already stopped', 404: 'no such container', ...SERVER_ERROR},
    })
  } catch (error) {
    const status = (error as {statusCode?: number}).statusCode
    if (status !== 304 && status !== 404) throw dockerError(error, `stop container ${name}`)
  }
}

export async function removeContainer(docker: DockerClient, name: string): Promise<void> {
  try {
    await call(docker, {
      path: `${containerPath(name)}?`,
      method: 'DELETE',
      options: {force: true, v: false},
      statusCodes: {204: true, 400: 'bad parameter', 404: 'no such container', 409: 'conflict', ...SERVER_ERROR},
    })
  } catch (error) {
    if (!isNotFound(error)) throw dockerError(error, `remove container ${name}`)
  }
}

export interface CommandResult {
  exitCode: number
  stdout: string
  stderr: string
}

/** Runs a command inside a running container (used for the kamal-proxy client). */
export async function execInContainer(docker: DockerClient, name: string, cmd: string[]): Promise<CommandResult> {
  try {
    const exec = await call<{Id: string}>(docker, {
      path: `${containerPath(name)}/exec`,
      method: 'POST',
      options: {Cmd: cmd, AttachStdout: true, AttachStderr: true},
      statusCodes: {200: true, 201: true, 404: 'no such container', 409: 'container stopped/paused', ...SERVER_ERROR},
    })
    const stream = await call<NodeJS.ReadableStream>(docker, {
      path: `/exec/${exec.Id}/start`,
      method: 'POST',
      options: {Detach: false, Tty: false},
      hijack: true,
      isStream: true,
      statusCodes: {200: true, 204: true, 404: 'no such exec', 409: 'container stopped/paused', 500: 'container not running'},
    })
    const {stdout, stderr} = await collectDemuxed(docker, stream)
    const info = await call<{ExitCode: number | null}>(docker, {
      path: `/exec/${exec.Id}/json`,
      method: 'GET',
      statusCodes: {200: true, 404: 'no such exec', ...SERVER_ERROR},
    })
    return {exitCode: info.ExitCode ?? -1, stdout, stderr}
  } catch (error) {
    throw dockerError(error, `run ${cmd[0]} in ${name}`)
  }
}

async function collectDemuxed(docker: DockerClient, stream: NodeJS.ReadableStream): Promise<{stdout: string; stderr: string}> {
  const out: Buffer[] = []
  const err: Buffer[] = []
  const stdout = new PassThrough().on('data', (c: Buffer) => out.push(c))
  const stderr = new PassThrough().on('data', (c: Buffer) => err.push(c))
  docker.demuxStream(stream, stdout, stderr)
  await new Promise<void>((resolve, reject) => {
    stream.on('end', resolve)
    stream.on('close', resolve)
    stream.on('error', reject)
  })
  return {stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8')}
}

/**
 * Runs `spec.cmd` in a fresh container and removes it afterwards, keeping its output.
 * Hooks run this way: the new image, the app's env, volumes and network, never the serving container.
 */
export async function runOneOff(
  docker: DockerClient,
  spec: ContainerSpec,
  options: {timeoutMs?: number} = {},
): Promise<{exitCode: number; output: string; timedOut: boolean}> {
  await createContainer(docker, {...spec, restart: false})
  try {
    // 'next-exit': a container that is only created already satisfies the default condition.
    const waiting = call<{StatusCode: number}>(docker, {
      path: `${containerPath(spec.name)}/wait?`,
      method: 'POST',
      options: {_query: {condition: 'next-exit'}, _body: {}},
      statusCodes: {200: true, 400: 'bad parameter', 404: 'no such container', ...SERVER_ERROR},
    })
    await startContainer(docker, spec.name)
    let timedOut = false
    const timer = setTimeout(
      () => {
        timedOut = true
        call(docker, {
          path: `${containerPath(spec.name)}/kill`,
          method: 'POST',
          statusCodes: {204: true, 404: 'no such container', 409: 'not running', ...SERVER_ERROR},
        }).catch(() => {})
      },
      options.timeoutMs ?? 10 * 60_000,
    )
    const result = await waiting.finally(() => clearTimeout(timer))
    const output = await containerLogText(docker, spec.name, {tail: 200})
    return {exitCode: result.StatusCode, output, timedOut}
  } catch (error) {
    throw dockerError(error, `run ${spec.cmd?.join(' ') ?? spec.image} in a one-off container`)
  } finally {
    await removeContainer(docker, spec.name).catch(() => {})
  }
}

/** The last `tail` lines of a container's stdout and stderr, interleaved as Docker stored them. */
export async function containerLogText(docker: DockerClient, name: string, options: {tail?: number} = {}): Promise<string> {
  try {
    return demuxBuffer(await containerLogs(docker, name, {tail: options.tail}))
  } catch (error) {
    if (isNotFound(error)) return ''
    throw dockerError(error, `read logs of ${name}`)
  }
}

/** Streams a container's logs to the given writables until it stops (follow) or the tail is printed. */
export async function streamContainerLogs(
  docker: DockerClient,
  name: string,
  options: {tail?: number; follow: boolean; stdout: Writable; stderr: Writable; signal?: AbortSignal},
): Promise<void> {
  try {
    if (!options.follow) {
      for (const frame of frames(await containerLogs(docker, name, {tail: options.tail})))
        (frame.stream === 2 ? options.stderr : options.stdout).write(frame.data)
      return
    }
    const stream = await call<NodeJS.ReadableStream>(docker, {
      path: `${containerPath(name)}/logs?`,
      method: 'GET',
      options: {stdout: true, stderr: true, follow: true, tail: options.tail ?? 100},
      isStream: true,
      statusCodes: {200: true, 404: 'no such container', ...SERVER_ERROR},
    })
    docker.demuxStream(stream, options.stdout, options.stderr)
    options.signal?.addEventListener('abort', () => (stream as unknown as {destroy(): void}).destroy())
    await new Promise<void>((resolve) => {
      stream.on('end', resolve)
      stream.on('close', resolve)
      stream.on('error', () => resolve())
    })
  } catch (error) {
    throw dockerError(error, `read logs of ${name}`)
  }
}

/** The processes running in a container, as `docker top` shows them. */
export async function listProcesses(docker: DockerClient, name: string): Promise<{Titles: string[]; Processes: string[][]}> {
  return call(docker, {
    path: `${containerPath(name)}/top?`,
    method: 'GET',
    options: {},
    statusCodes: {200: true, 404: 'no such container', 409: 'not running', ...SERVER_ERROR},
  })
}

/** A finished container's logs (multiplexed frames). */
function containerLogs(docker: DockerClient, name: string, options: {tail?: number}): Promise<Buffer> {
  return call<Buffer>(docker, {
    path: `${containerPath(name)}/logs?`,
    method: 'GET',
    options: {stdout: true, stderr: true, follow: false, tail: options.tail ?? 100},
    statusCodes: {200: true, 404: 'no such container', ...SERVER_ERROR},
  })
}

function containerPath(name: string): string {
  return `/containers/${encodeURIComponent(name)}`
}

/** Docker multiplexes non-TTY output in frames: 1 byte stream id, 3 padding, 4 bytes big-endian length. */
function* frames(buffer: Buffer): Generator<{stream: number; data: Buffer}> {
  let offset = 0
  while (offset + 8 <= buffer.length) {
    const length = buffer.readUInt32BE(offset + 4)
    yield {stream: buffer[offset], data: buffer.subarray(offset + 8, offset + 8 + length)}
    offset += 8 + length
  }
}

export function demuxBuffer(buffer: Buffer): string {
  return [...frames(buffer)].map((f) => f.data.toString('utf8')).join('')
}
