import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {freePort, type World} from './discode.js'
import type {SwarmStand} from './swarm.js'

/**
 * A discode world that drives the stand's first node (the manager, after `cluster init`): its own
 * home, network and proxy container; requests go to the proxy at the manager's address. The proxy
 * publishes its ports inside the manager's network namespace, but the stand's dockerd listens on a
 * unix socket of this host, so discode's preflight (rightly, for a real local engine) probes the ports
 * here: they are ports nothing on this host holds (a demo's proxy on 8080 must not fail the suite).
 */
export async function clusterWorld(name: string, stand: SwarmStand, proxyImage: string): Promise<World> {
  const manager = stand.nodes[0]
  const home = mkdtempSync(join(tmpdir(), `discode-${name}-`))
  const CLUSTER_PROXY_PORT = await freePort()
  const httpsPort = await freePort()
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
      // The encryption probe's image (sh, httpd, wget, timeout): the test app's busybox, which every node pulls.
      DISCODE_CLUSTER_PROBE_IMAGE: `${stand.registry}/discode-test/app:1.0.0`,
      DISCODE_PROXY_HTTP_PORT: String(CLUSTER_PROXY_PORT),
      DISCODE_PROXY_HTTPS_PORT: String(httpsPort),
      NO_COLOR: '1',
    },
  }
}
