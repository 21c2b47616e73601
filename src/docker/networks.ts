import type Modem from 'docker-modem'

import {type DockerClient, dockerError} from './docker.js'

/**
 * Networks beyond `ensureNetwork`: attaching a running container (the shared proxy) to a network,
 * and removing a network nobody uses. Same transport and error handling as docker.ts.
 */

export interface NetworkInfo {
  name: string
  labels: Record<string, string>
  /** Names of the containers attached now (running ones; Docker lists only those). */
  containers: string[]
}

function call<T>(docker: DockerClient, options: Modem.DialOptions): Promise<T> {
  return new Promise((resolve, reject) => {
    docker.dial(options, (error, result) => (error ? reject(error) : resolve(result as T)))
  })
}

const status = (error: unknown) => (error as {statusCode?: number}).statusCode

export async function inspectNetwork(docker: DockerClient, name: string): Promise<NetworkInfo | undefined> {
  try {
    const network = await call<{Name: string; Labels?: Record<string, string> | null; Containers?: Record<string, {Name: string}> | null}>(
      docker,
      {path: `/networks/${encodeURIComponent(name)}`, method: 'GET', statusCodes: {200: true, 404: 'no such network', 500: 'server error'}},
    )
    return {
      name: network.Name,
      labels: network.Labels ?? {},
      containers: Object.values(network.Containers ?? {}).map((c) => c.Name),
    }
  } catch (error) {
    if (status(error) === 404) return undefined
    throw dockerError(error, `inspect network ${name}`)
  }
}

/** `docker network connect`: the container can then reach (and be reached by) the network's containers by name. */
export async function connectNetwork(docker: DockerClient, network: string, container: string): Promise<void> {
  try {
    await call(docker, {
      path: `/networks/${encodeURIComponent(network)}/connect`,
      method: 'POST',
      options: {Container: container},
      statusCodes: {200: true, 403: 'operation not supported', 404: 'no such network or container', 500: 'server error'},
    })
  } catch (error) {
    throw dockerError(error, `attach ${container} to network ${network}`)
  }
}

/** Removes a network; one that is gone already is fine. */
export async function removeNetwork(docker: DockerClient, name: string): Promise<void> {
  try {
    await call(docker, {
      path: `/networks/${encodeURIComponent(name)}`,
      method: 'DELETE',
      statusCodes: {204: true, 403: 'network in use', 404: 'no such network', 409: 'network in use', 500: 'server error'},
    })
  } catch (error) {
    if (status(error) !== 404) throw dockerError(error, `remove network ${name}`)
  }
}

/** Names of the containers, running or stopped, attached to the network (stopped ones still need it to start). */
export async function containersOnNetwork(docker: DockerClient, name: string): Promise<string[]> {
  try {
    const containers = await call<{Names: string[]}[]>(docker, {
      path: '/containers/json?',
      method: 'GET',
      options: {all: true, filters: {network: [name]}},
      statusCodes: {200: true, 400: 'bad parameter', 500: 'server error'},
    })
    return containers.map((c) => c.Names[0]?.replace(/^\//, '') ?? '')
  } catch (error) {
    throw dockerError(error, `list the containers on network ${name}`)
  }
}
