import type Dockerode from 'dockerode'

import type {DockerClient} from '../docker/client.js'
import {loadDockerode} from '../docker/load-dockerode.js'
import {listNodes, swarmMembership} from '../docker/swarm.js'
import {DiscodeError} from '../errors.js'
import type {Engine} from '../lifecycle/context.js'
import {requireManager} from './membership.js'
import {assertPlanComplete, nodeDockerOptions, planNodeLoads} from './node-images.js'

/** A worker's own Docker, reached at the endpoint the customer gave for it. */
export interface NodeEngine {
  name: string
  endpoint: string
  docker: DockerClient
}

/**
 * The Docker of every ready worker, from the `--node-docker` endpoints: each asked which swarm node
 * it is, and refused (nothing loaded yet) when one is no node of this swarm or a ready node has none.
 * Nodes that are down are returned apart: they get nothing now.
 */
export async function reachNodeEngines(engine: Engine, endpoints: string[]): Promise<{nodes: NodeEngine[]; down: string[]}> {
  const manager = await requireManager(engine)
  const nodes = await listNodes(engine.docker)
  const Docker = loadDockerode()
  const reached = await Promise.all(
    [...new Set(endpoints)].map(async (endpoint) => {
      const docker = new Docker(nodeDockerOptions(endpoint) as Dockerode.DockerOptions)
      const membership = await swarmMembership(docker).catch((error: unknown) => {
        throw new DiscodeError(`Cannot reach the Docker of --node-docker ${endpoint}: ${(error as Error).message}`, {
          code: 'BUNDLE_NODE_UNREACHABLE',
          hint: 'Nothing was loaded. Check that this machine reaches it (as "docker -H ENDPOINT info" would), then run the command again',
          cause: error,
        })
      })
      return {endpoint, nodeId: membership.nodeId, docker}
    }),
  )
  const plan = planNodeLoads(nodes, manager.nodeId ?? '', reached)
  assertPlanComplete(plan)
  const byEndpoint = new Map(reached.map((r) => [r.endpoint, r.docker]))
  return {
    nodes: plan.targets.map(({node, endpoint}) => ({name: node.hostname, endpoint, docker: byEndpoint.get(endpoint)!})),
    down: plan.down.map((node) => node.hostname),
  }
}
