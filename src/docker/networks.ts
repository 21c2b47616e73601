import type {DockerClient} from './client.js'
import {dockerError, statusOf} from './errors.js'

/**
 * Networks beyond `ensureNetwork`: attaching a running container (the shared proxy) to a network,
 * and removing a network nobody uses.
 */

export interface NetworkInfo {
  name: string
  /** Docker's id (how a Swarm service's spec names its networks). */
  id: string
  labels: Record<string, string>
  /** Names of the containers attached now (running ones; Docker lists only those). */
  containers: string[]
}

export async function inspectNetwork(docker: DockerClient, name: string): Promise<NetworkInfo | undefined> {
  try {
    const network = (await docker.getNetwork(name).inspect()) as {
      Name: string
      Id: string
      Labels?: Record<string, string> | null
      Containers?: Record<string, {Name: string}> | null
    }
    return {
      name: network.Name,
      id: network.Id,
      labels: network.Labels ?? {},
      containers: Object.values(network.Containers ?? {}).map((c) => c.Name),
    }
  } catch (error) {
    if (statusOf(error) === 404) return undefined
    throw dockerError(error, `inspect network ${name}`)
  }
}

/** `docker network connect`: the container can then reach (and be reached by) the network's containers by name. */
export async function connectNetwork(docker: DockerClient, network: string, container: string, aliases: string[] = []): Promise<void> {
  try {
    await docker.getNetwork(network).connect({Container: container, ...(aliases.length > 0 ? {EndpointConfig: {Aliases: aliases}} : {})})
  } catch (error) {
    // 403 "already exists in network": attached meanwhile (another discode), which is what was asked.
    if (statusOf(error) === 403 && /already exists/i.test(String((error as {json?: {message?: string}}).json?.message))) return
    throw dockerError(error, `attach ${container} to network ${network}`)
  }
}

/** `docker network disconnect`; a container that is not on it (or gone) is fine. */
export async function disconnectNetwork(docker: DockerClient, network: string, container: string): Promise<void> {
  try {
    await docker.getNetwork(network).disconnect({Container: container})
  } catch (error) {
    if (statusOf(error) !== 404 && !/is not connected/i.test(String((error as {json?: {message?: string}}).json?.message))) {
      throw dockerError(error, `detach ${container} from network ${network}`)
    }
  }
}

/** Names of the networks with the given labels (`key=value` or `key`). */
export async function listNetworks(docker: DockerClient, labels: string[]): Promise<string[]> {
  try {
    const networks = await docker.listNetworks({filters: {label: labels}})
    return networks.map((n) => n.Name)
  } catch (error) {
    throw dockerError(error, 'list networks')
  }
}

/** Removes a network; one that is gone already is fine. */
export async function removeNetwork(docker: DockerClient, name: string): Promise<void> {
  try {
    await docker.getNetwork(name).remove()
  } catch (error) {
    if (statusOf(error) !== 404) throw dockerError(error, `remove network ${name}`)
  }
}

/** Names of the containers, running or stopped, attached to the network (stopped ones still need it to start). */
export async function containersOnNetwork(docker: DockerClient, name: string): Promise<string[]> {
  try {
    const containers = await docker.listContainers({all: true, filters: {network: [name]}})
    return containers.map((c) => c.Names[0]?.replace(/^\//, '') ?? '')
  } catch (error) {
    throw dockerError(error, `list the containers on network ${name}`)
  }
}
