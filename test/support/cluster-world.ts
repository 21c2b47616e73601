import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {World} from './discode.js'
import type {SwarmStand} from './swarm.js'

/** The port the proxy publishes on the stand's manager (inside its network namespace). */
export const CLUSTER_PROXY_PORT = 8080

/**
 * A discode world that drives the stand's first node (the manager, after `cluster init`): its own
 * home, network and proxy container; requests go to the proxy at the manager's address.
 */
export function clusterWorld(name: string, stand: SwarmStand, proxyImage: string): World {
  const manager = stand.nodes[0]
  const home = mkdtempSync(join(tmpdir(), `discode-${name}-`))
  return {
    name,
    home,
    network: `discode-${name}`,
    proxyContainer: `discode-${name}-proxy`,
    httpPort: CLUSTER_PROXY_PORT,
    url: `http://${manager.address}:${CLUSTER_PROXY_PORT}`,
    env: {
      ...process.env,
      DOCKER_HOST: manager.dockerHost,
      DISCODE_HOME: home,
      DISCODE_NETWORK: `discode-${name}`,
      DISCODE_PROXY_CONTAINER: `discode-${name}-proxy`,
      DISCODE_PROXY_IMAGE: proxyImage,
      DISCODE_PROXY_HTTP_PORT: String(CLUSTER_PROXY_PORT),
      DISCODE_PROXY_HTTPS_PORT: String(CLUSTER_PROXY_PORT + 363),
      NO_COLOR: '1',
    },
  }
}
