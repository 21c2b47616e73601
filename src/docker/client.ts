import type Dockerode from 'dockerode'
import {Agent, type AgentOptions} from 'node:http'
import {inspect} from 'node:util'

import {dockerError} from './errors.js'
import {loadDockerode} from './load-dockerode.js'

/** The engine's Docker client: a dockerode instance. */
export type DockerClient = Dockerode

/** A client of this process's Docker; docker-modem reads DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH itself. */
export function connectDocker(): DockerClient {
  const Docker = loadDockerode()
  const host = process.env.DOCKER_HOST
  // dockerode hands its options to docker-modem, which takes an agent (dockerode's types omit it).
  return new Docker((!host || host.startsWith('unix://') ? {agent: unixSocketAgent()} : {}) as Dockerode.DockerOptions)
}

/**
 * Node's default agent (keep-alive), naming no TLS server. Node works out a server name for every
 * request, even over a unix socket, and the IPv6 test it runs for that compiles a large regular
 * expression on first use: some 10 ms of each command's start-up, for a name a socket never uses.
 */
function unixSocketAgent(): Agent {
  const agent = new Agent({keepAlive: true, scheduling: 'lifo', timeout: 5000, servername: ''} as AgentOptions)
  // docker-modem inspects every request's options in depth for its debug log, even when that is
  // off: an agent holding idle sockets takes milliseconds to inspect, this one line none.
  Object.defineProperty(agent, inspect.custom, {value: () => 'Agent {unix socket, keep-alive}'})
  return agent
}

export async function assertDockerRunning(docker: DockerClient): Promise<void> {
  try {
    await docker.ping()
  } catch (error) {
    throw dockerError(error, 'reach Docker')
  }
}
