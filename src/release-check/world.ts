/**
 * The throw-away world of `discode recipes test`: its own DISCODE_HOME and oclif data dirs (a temp
 * dir), Docker network, proxy container and free ports on 127.0.0.1, so that the host's real apps,
 * proxy and plugins are never touched. Everything it holds is removed by `destroyWorld`.
 */
import {randomBytes} from 'node:crypto'
import {mkdtempSync, rmSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type Dockerode from 'dockerode'

import {connectDocker} from '../docker/docker.js'

export interface CheckWorld {
  id: string
  /** The app installed in the world (unique: its containers and volumes are named after it). */
  app: string
  dir: string
  network: string
  proxyContainer: string
  httpPort: number
  /** The environment of every discode the check runs. */
  env: NodeJS.ProcessEnv
}

/** A port the kernel just gave out on 127.0.0.1 (free unless someone takes it in between). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as {port: number}
      server.close(() => resolve(port))
    })
  })
}

/** The discode settings of a world, from its id, directory and ports (pure). */
export function worldEnv(
  base: NodeJS.ProcessEnv,
  world: {dir: string; network: string; proxyContainer: string},
  ports: {http: number; https: number},
): NodeJS.ProcessEnv {
  // Only what discode, node and the Docker client need: none of the host's DISCODE_* settings leak in.
  const kept = Object.fromEntries(Object.entries(base).filter(([key]) => !key.startsWith('DISCODE_') && !key.startsWith('npm_')))
  return {
    ...kept,
    DISCODE_HOME: join(world.dir, 'home'),
    DISCODE_DATA_DIR: join(world.dir, 'data'),
    DISCODE_CACHE_DIR: join(world.dir, 'cache'),
    DISCODE_CONFIG_DIR: join(world.dir, 'config'),
    DISCODE_NETWORK: world.network,
    DISCODE_PROXY_CONTAINER: world.proxyContainer,
    DISCODE_PROXY_HTTP_PORT: String(ports.http),
    DISCODE_PROXY_HTTPS_PORT: String(ports.https),
    DISCODE_PROXY_BIND: '127.0.0.1',
    ...(base.DISCODE_PROXY_IMAGE ? {DISCODE_PROXY_IMAGE: base.DISCODE_PROXY_IMAGE} : {}),
    NO_COLOR: '1',
  }
}

export async function createWorld(base: NodeJS.ProcessEnv = process.env): Promise<CheckWorld> {
  const id = randomBytes(4).toString('hex')
  const dir = mkdtempSync(join(tmpdir(), `discode-check-${id}-`))
  const network = `discode-check-${id}`
  const proxyContainer = `discode-check-proxy-${id}`
  const ports = {http: await freePort(), https: await freePort()}
  return {
    id,
    app: `check-${id}`,
    dir,
    network,
    proxyContainer,
    httpPort: ports.http,
    env: worldEnv(base, {dir, network, proxyContainer}, ports),
  }
}

/**
 * Removes every Docker object of the world (the app's containers and volumes by label, anything on
 * its network, the proxy and its volume, the network) and its directory. Safe to call twice.
 */
export async function destroyWorld(world: CheckWorld, docker: Dockerode = connectDocker()): Promise<string[]> {
  const problems: string[] = []
  const attempt = async (what: string, work: () => Promise<unknown>) => {
    try {
      await work()
    } catch (error) {
      const status = (error as {statusCode?: number}).statusCode
      if (status !== 404) problems.push(`${what}: ${(error as Error).message}`)
    }
  }
  const containers = [
    ...(await docker.listContainers({all: true, filters: {label: [`discode.app=${world.app}`]}})),
    ...(await docker.listContainers({all: true, filters: {network: [world.network]}})),
    ...(await docker.listContainers({all: true, filters: {name: [`^/${world.proxyContainer}$`]}})),
  ]
  for (const id of new Set(containers.map((c) => c.Id)))
    await attempt(`container ${id.slice(0, 12)}`, () => docker.getContainer(id).remove({force: true, v: true}))
  // The app's own network (`<network>.<app>`, see lifecycle/network-plan.ts) beside the proxy's.
  for (const network of [`${world.network}.${world.app}`, world.network])
    await attempt(`network ${network}`, () => docker.getNetwork(network).remove())
  const {Volumes: volumes} = await docker.listVolumes({filters: {label: [`discode.app=${world.app}`]}})
  for (const name of [...(volumes ?? []).map((v) => v.Name), `${world.proxyContainer}-config`])
    await attempt(`volume ${name}`, () => docker.getVolume(name).remove())
  rmSync(world.dir, {recursive: true, force: true})
  return problems
}
