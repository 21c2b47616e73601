import {DiscodeError} from '../errors.js'
import type {DockerClient} from './client.js'
import {dockerError, isNotFound, statusOf} from './errors.js'
import {demuxBuffer} from './logs.js'
import type {RegistryAuth} from './images.js'

/** Docker Swarm through dockerode: the engine's place in a swarm, its nodes, services and tasks. */

/** What `docker info` says about this engine's swarm membership. */
export interface SwarmMembership {
  /** inactive, pending, active, error or locked. */
  state: string
  nodeId?: string
  /** True on a manager: only managers create services. */
  manager: boolean
  /** Managers' addresses (host:2377) this engine knows. */
  managers: string[]
  nodeAddress?: string
}

export async function swarmMembership(docker: DockerClient): Promise<SwarmMembership> {
  try {
    const info = (await docker.info()) as {Swarm?: Record<string, unknown>}
    const swarm = (info.Swarm ?? {}) as {
      LocalNodeState?: string
      NodeID?: string
      ControlAvailable?: boolean
      RemoteManagers?: {Addr: string}[] | null
      NodeAddr?: string
    }
    return {
      state: swarm.LocalNodeState || 'inactive',
      nodeId: swarm.NodeID || undefined,
      manager: Boolean(swarm.ControlAvailable),
      managers: (swarm.RemoteManagers ?? []).map((m) => m.Addr),
      nodeAddress: swarm.NodeAddr || undefined,
    }
  } catch (error) {
    throw dockerError(error, 'read the swarm state')
  }
}

export async function initSwarm(
  docker: DockerClient,
  options: {advertiseAddr?: string; listenAddr?: string; addressPool?: string},
): Promise<string> {
  try {
    return (await docker.swarmInit({
      ListenAddr: options.listenAddr ?? '0.0.0.0:2377',
      ...(options.advertiseAddr ? {AdvertiseAddr: options.advertiseAddr} : {}),
      ...(options.addressPool ? {DefaultAddrPool: [options.addressPool], SubnetSize: 24} : {}),
    })) as string
  } catch (error) {
    throw dockerError(error, 'make this engine a swarm manager')
  }
}

export async function workerJoinToken(docker: DockerClient): Promise<string> {
  try {
    const swarm = (await docker.swarmInspect()) as {JoinTokens: {Worker: string}}
    return swarm.JoinTokens.Worker
  } catch (error) {
    throw dockerError(error, 'read the swarm join token')
  }
}

/** A node as `docker node ls` shows it. */
export interface SwarmNodeInfo {
  id: string
  hostname: string
  role: string
  /** ready, down, unknown, disconnected. */
  state: string
  availability: string
  address?: string
  leader: boolean
}

export async function listNodes(docker: DockerClient): Promise<SwarmNodeInfo[]> {
  try {
    const nodes = (await docker.listNodes()) as {
      ID: string
      Description?: {Hostname?: string}
      Spec?: {Role?: string; Availability?: string}
      Status?: {State?: string; Addr?: string}
      ManagerStatus?: {Leader?: boolean}
    }[]
    return nodes.map((n) => ({
      id: n.ID,
      hostname: n.Description?.Hostname ?? n.ID.slice(0, 12),
      role: n.Spec?.Role ?? 'worker',
      state: n.Status?.State ?? 'unknown',
      availability: n.Spec?.Availability ?? 'active',
      address: n.Status?.Addr,
      leader: Boolean(n.ManagerStatus?.Leader),
    }))
  } catch (error) {
    throw dockerError(error, 'list the swarm nodes')
  }
}

/**
 * Creates the attachable overlay network unless it exists; true when this call created it. `encrypted`
 * sets Docker's `encrypted` option (IPsec between nodes); `labels` default to the cluster's base network's.
 */
export async function ensureOverlayNetwork(
  docker: DockerClient,
  name: string,
  options: {labels?: Record<string, string>; encrypted?: boolean} = {},
): Promise<boolean> {
  const existing = (await docker
    .getNetwork(name)
    .inspect()
    .catch((error: unknown) => {
      if (isNotFound(error)) return undefined
      throw dockerError(error, `inspect network ${name}`)
    })) as {Driver?: string} | undefined
  if (existing) {
    if (existing.Driver === 'overlay') return false
    throw new DiscodeError(`A ${existing.Driver} network named ${name} exists, where the cluster needs an overlay`, {
      hint: `Remove it ("docker network rm ${name}") or set another DISCODE_NETWORK`,
      code: 'CLUSTER_NETWORK',
    })
  }
  try {
    await docker.createNetwork({
      Name: name,
      Driver: 'overlay',
      Attachable: true,
      CheckDuplicate: true,
      Labels: options.labels ?? {'discode.network': 'cluster'},
      ...(options.encrypted ? {Options: {encrypted: ''}} : {}),
    })
    return true
  } catch (error) {
    if (statusOf(error) === 409) return false
    throw dockerError(error, `create the overlay network ${name}`)
  }
}

/** A service as discode reads it back: its name, labels, wanted replicas (undefined for a job). */
export interface ServiceInfo {
  id: string
  name: string
  labels: Record<string, string>
  replicas?: number
  version: number
  spec: Record<string, unknown>
  /** Swarm's rolling update of the service: updating, paused, completed, ... (none before any update). */
  updateState?: string
}

function serviceInfo(raw: {
  ID: string
  Version?: {Index?: number}
  Spec: Record<string, unknown>
  UpdateStatus?: {State?: string}
}): ServiceInfo {
  const spec = raw.Spec as {Name: string; Labels?: Record<string, string>; Mode?: {Replicated?: {Replicas?: number}}}
  return {
    id: raw.ID,
    name: spec.Name,
    labels: spec.Labels ?? {},
    replicas: spec.Mode?.Replicated?.Replicas,
    version: raw.Version?.Index ?? 0,
    spec: raw.Spec,
    updateState: raw.UpdateStatus?.State,
  }
}

export async function inspectService(docker: DockerClient, name: string): Promise<ServiceInfo | undefined> {
  try {
    return serviceInfo(await docker.getService(name).inspect())
  } catch (error) {
    if (isNotFound(error)) return undefined
    throw dockerError(error, `inspect service ${name}`)
  }
}

export async function listServices(docker: DockerClient, label: string): Promise<ServiceInfo[]> {
  try {
    const services = (await docker.listServices({filters: {label: [label]}})) as unknown as Parameters<typeof serviceInfo>[0][]
    return services.map(serviceInfo)
  } catch (error) {
    throw dockerError(error, 'list services')
  }
}

/** Creates a service; `auth` lets every node pull a private image (the CLI's --with-registry-auth). */
export async function createService(docker: DockerClient, spec: Record<string, unknown>, auth?: RegistryAuth): Promise<void> {
  try {
    // Always two arguments: with one, dockerode would send the spec itself as the registry auth header.
    await docker.createService(auth ?? {}, spec as never)
  } catch (error) {
    throw dockerError(error, `create service ${String(spec.Name)}`)
  }
}

/**
 * Changes a service's spec (read, changed, written back at the version read). Without `auth` no
 * registry header is sent and Docker keeps the one given at create; an empty one would replace it.
 */
export async function updateService(
  docker: DockerClient,
  name: string,
  change: (spec: Record<string, unknown>) => Record<string, unknown>,
  auth?: RegistryAuth,
): Promise<void> {
  const service = await inspectService(docker, name)
  if (!service) throw dockerError(Object.assign(new Error(`service ${name} not found`), {statusCode: 404}), `update service ${name}`)
  try {
    // The version goes in the query only (dockerode would put the whole spec there too).
    await docker.getService(name).update(auth as never, {_query: {version: service.version}, _body: change(service.spec)} as never)
  } catch (error) {
    throw dockerError(error, `update service ${name}`)
  }
}

/** Sets a replicated service's replica count (the rest of its spec unchanged). */
export async function scaleService(docker: DockerClient, name: string, replicas: number, auth?: RegistryAuth): Promise<void> {
  await updateService(docker, name, (spec) => ({...spec, Mode: {Replicated: {Replicas: replicas}}}), auth)
}

export async function removeService(docker: DockerClient, name: string): Promise<void> {
  try {
    await docker.getService(name).remove()
  } catch (error) {
    if (!isNotFound(error)) throw dockerError(error, `remove service ${name}`)
  }
}

/** One task of a service, as the pure judges in src/cluster read it. */
export interface TaskInfo {
  id: string
  slot?: number
  nodeId?: string
  desiredState: string
  /** new, pending, assigned, ..., running, complete, failed, rejected, shutdown, orphaned. */
  state: string
  error?: string
  exitCode?: number
  containerId?: string
  createdAt?: string
  updatedAt?: string
}

export async function listTasks(docker: DockerClient, service: string): Promise<TaskInfo[]> {
  try {
    const tasks = (await docker.listTasks({filters: {service: [service]}})) as {
      ID: string
      Slot?: number
      NodeID?: string
      DesiredState?: string
      CreatedAt?: string
      UpdatedAt?: string
      Status?: {State?: string; Err?: string; ContainerStatus?: {ExitCode?: number; ContainerID?: string}}
    }[]
    return tasks.map((t) => ({
      id: t.ID,
      slot: t.Slot,
      nodeId: t.NodeID,
      desiredState: t.DesiredState ?? 'running',
      state: t.Status?.State ?? 'new',
      error: t.Status?.Err,
      exitCode: t.Status?.ContainerStatus?.ExitCode,
      containerId: t.Status?.ContainerStatus?.ContainerID,
      createdAt: t.CreatedAt,
      updatedAt: t.UpdatedAt,
    }))
  } catch (error) {
    if (isNotFound(error)) return []
    throw dockerError(error, `list the tasks of ${service}`)
  }
}

/** The last lines a service's tasks logged, on every node (Swarm gathers them). */
export async function serviceLogText(docker: DockerClient, name: string, tail: number): Promise<string> {
  try {
    const raw = (await docker.getService(name).logs({stdout: true, stderr: true, tail, follow: false})) as unknown as Buffer
    return demuxBuffer(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)))
  } catch (error) {
    if (isNotFound(error)) return ''
    throw dockerError(error, `read the logs of ${name}`)
  }
}
