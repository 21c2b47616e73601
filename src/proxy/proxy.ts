import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import type {Settings} from '../config.js'
import {
  assertDockerRunning,
  createContainer,
  type ContainerInspect,
  type DockerClient,
  ensureNetwork,
  ensureVolume,
  execInContainer,
  inspectContainer,
  inspectImage,
  listProcesses,
  pullImage,
  type PullProgress,
  removeContainer,
  startContainer,
  stopContainer,
  statPath,
  streamContainerLogs,
} from '../docker/docker.js'
import {DiscodeError} from '../errors.js'
import {
  type DeployArgs,
  deployCommand,
  listCommand,
  pauseCommand,
  PROXY_STATE_DIR,
  PROXY_STATE_FILE,
  removeCommand,
  resumeCommand,
} from './commands.js'
import {parseList, type ProxyRoute} from './list.js'
import {reusableRoutes, saveListing} from './listing-cache.js'

/** kamal-proxy answered `Error: <message>` (exit 1). */
export class ProxyCommandError extends DiscodeError {
  constructor(
    readonly proxyMessage: string,
    options: {hint?: string; code?: string} = {},
  ) {
    super(`kamal-proxy: ${proxyMessage}`, {code: options.code ?? 'PROXY_ERROR', hint: options.hint})
  }
}

export class HealthCheckTimeoutError extends ProxyCommandError {}
export class HostConflictError extends ProxyCommandError {}
export class ServiceNotFoundError extends ProxyCommandError {}

/** Maps kamal-proxy's one-line errors to typed ones; the messages are the proxy's own. */
export function proxyCommandError(stderr: string, exitCode: number): ProxyCommandError {
  const line = stderr.split('\n').find((l) => l.startsWith('Error: '))
  const message = line ? line.slice('Error: '.length).trim() : `exited with code ${exitCode}: ${stderr.trim().split('\n').pop() ?? ''}`
  if (message.startsWith('target failed to become healthy')) {
    return new HealthCheckTimeoutError(message, {
      code: 'UNHEALTHY',
      hint: 'The new release never answered its health check; see its log lines above',
    })
  }
  if (message.startsWith('host settings conflict')) {
    return new HostConflictError(message, {
      code: 'HOST_CONFLICT',
      hint: 'Another app already serves this host name; install with another --set hostname=...',
    })
  }
  if (message.startsWith('service not found')) return new ServiceNotFoundError(message, {code: 'SERVICE_NOT_FOUND'})
  return new ProxyCommandError(message, {hint: 'See "discode proxy logs"'})
}

export interface ProxyStatus {
  container: string
  image?: string
  running: boolean
  state: string
  routes: ProxyRoute[]
}

/**
 * Drives the kamal-proxy container: its life cycle (boot, reboot, remove) and its client commands,
 * which run inside it with `docker exec` because the client talks to the server over a unix socket.
 */
export class Proxy {
  constructor(
    private readonly docker: DockerClient,
    private readonly settings: Settings,
  ) {}

  get containerName(): string {
    return this.settings.proxyContainer
  }

  /** Named like Kamal's `kamal-proxy-config`, so routes survive a recreate of the container. */
  get stateVolume(): string {
    return `${this.settings.proxyContainer}-config`
  }

  async run(argv: string[]): Promise<string> {
    const result = await execInContainer(this.docker, this.containerName, argv)
    if (result.exitCode !== 0) throw proxyCommandError(result.stderr || result.stdout, result.exitCode)
    return result.stdout
  }

  async deploy(args: DeployArgs): Promise<void> {
    await this.run(deployCommand(args))
  }

  /** Removes a route; a route that is already gone is fine. */
  async removeService(service: string): Promise<void> {
    try {
      await this.run(removeCommand(service))
    } catch (error) {
      if (!(error instanceof ServiceNotFoundError)) throw error
    }
  }

  /**
   * Holds the service's new requests (answered once resumed; 504 after maxPause) and waits up to
   * drainTimeout for those in flight. Never leave a service paused across a proxy restart: kamal-proxy
   * then crashes on `resume`; remove + deploy clears it (see src/lifecycle/pause.ts).
   */
  async pause(service: string, options: {drainTimeout: string; maxPause: string}): Promise<void> {
    await this.run(pauseCommand(service, options))
  }

  /** Releases the requests a pause held. */
  async resume(service: string): Promise<void> {
    await this.run(resumeCommand(service))
  }

  /** What the proxy routes now, from `kamal-proxy list`: operations act on this answer. */
  async routes(): Promise<ProxyRoute[]> {
    return parseList(await this.run(listCommand()))
  }

  /**
   * The proxy container and, when it runs, its routes, for reports (status): the same routes as
   * routes(), without the `docker exec` when nothing changed since the last listing. The proxy's state
   * file is stat-ed through Docker (no process in the container), and `kamal-proxy list` runs again
   * only if the file, or the container, is not the one the last listing was taken under (see
   * listing-cache.ts). That exec is otherwise most of what a report costs.
   */
  async inspectWithRoutes(): Promise<{info?: ContainerInspect; routes?: ProxyRoute[]}> {
    // The stat is taken before any listing (see saveListing); without one, the report simply lists.
    const [info, stat] = await Promise.all([
      inspectContainer(this.docker, this.containerName),
      statPath(this.docker, this.containerName, PROXY_STATE_FILE).catch(() => undefined),
    ])
    if (!info?.State.Running) return {info}
    const mark = stat && {container: info.Id, startedAt: info.State.StartedAt, ...stat}
    const reused = mark && reusableRoutes(this.listingFile, mark)
    if (reused) return {info, routes: reused}
    const routes = await this.routes()
    if (mark) saveListing(this.listingFile, mark, routes)
    return {info, routes}
  }

  private get listingFile(): string {
    return join(this.settings.home, 'proxy', 'routes.json')
  }

  async route(service: string): Promise<ProxyRoute | undefined> {
    return (await this.routes()).find((r) => r.service === service)
  }

  /**
   * Makes sure the proxy runs: network, state volume, image (pulled if missing), container started.
   * Returns what it had to do, so commands can say it.
   */
  async boot(options: {onPull?: (p: PullProgress) => void} = {}): Promise<'running' | 'started' | 'created'> {
    await assertDockerRunning(this.docker)
    await ensureNetwork(this.docker, this.settings.network)
    const existing = await inspectContainer(this.docker, this.containerName)
    if (existing?.State.Running) return 'running'
    if (existing) {
      await startContainer(this.docker, this.containerName)
      await this.waitUntilAnswering()
      return 'started'
    }
    await this.create(options)
    return 'created'
  }

  private async create(options: {onPull?: (p: PullProgress) => void}): Promise<void> {
    const image = this.settings.proxyImage
    if (!(await inspectImage(this.docker, image))) await pullImage(this.docker, image, {onProgress: options.onPull})
    await ensureVolume(this.docker, this.stateVolume, {'discode.proxy': 'true'})
    const bind = this.settings.proxyBind
    await createContainer(this.docker, {
      name: this.containerName,
      image,
      network: this.settings.network,
      labels: {'discode.proxy': 'true'},
      volumes: [{source: this.stateVolume, target: PROXY_STATE_DIR}],
      restart: true,
      ports: [
        {containerPort: 80, hostPort: this.settings.proxyHttpPort, hostIp: bind},
        {containerPort: 443, hostPort: this.settings.proxyHttpsPort, hostIp: bind},
      ],
    })
    await startContainer(this.docker, this.containerName)
    await this.waitUntilAnswering()
  }

  /** The server creates its socket a moment after the container starts. */
  private async waitUntilAnswering(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      try {
        await this.routes()
        return
      } catch (error) {
        const container = await inspectContainer(this.docker, this.containerName)
        if (!container?.State.Running || Date.now() > deadline) {
          throw new DiscodeError(`The proxy container ${this.containerName} did not start: ${(error as Error).message}`, {
            hint: 'See "discode proxy logs"; is another program using the proxy ports (DISCODE_PROXY_HTTP_PORT / DISCODE_PROXY_HTTPS_PORT)?',
            code: 'PROXY_NOT_RUNNING',
            cause: error,
          })
        }
        await sleep(200)
      }
    }
  }

  async status(): Promise<ProxyStatus> {
    await assertDockerRunning(this.docker)
    const {info, routes} = await this.inspectWithRoutes()
    if (!info) return {container: this.containerName, running: false, state: 'missing', routes: []}
    return {
      container: this.containerName,
      image: info.Config.Image,
      running: info.State.Running,
      state: info.State.Status,
      routes: routes ?? [],
    }
  }

  /** Recreates the container (e.g. for a new DISCODE_PROXY_IMAGE); routes come back from the state volume. */
  async reboot(options: {onPull?: (p: PullProgress) => void} = {}): Promise<void> {
    await assertDockerRunning(this.docker)
    const image = this.settings.proxyImage
    // Pull first: the old proxy keeps serving while the new image downloads.
    if (!(await inspectImage(this.docker, image))) await pullImage(this.docker, image, {onProgress: options.onPull})
    await this.remove()
    await this.boot(options)
  }

  /** Stops and removes the container; the state volume stays so a later boot restores the routes. */
  async remove(): Promise<void> {
    await stopContainer(this.docker, this.containerName)
    await removeContainer(this.docker, this.containerName)
  }

  /**
   * Waits until no kamal-proxy client command for the service runs in the proxy container. A discode
   * killed during `deploy` leaves that deploy running in the proxy (docker exec outlives its client):
   * whoever repairs the app must let it finish first, then look at where traffic goes.
   */
  async waitForCommands(service: string, timeoutMs = 5 * 60_000): Promise<void> {
    const pattern = new RegExp(`kamal-proxy (deploy|remove|rm|pause|resume|stop) ${service}( |$)`)
    const deadline = Date.now() + timeoutMs
    for (;;) {
      let running: boolean
      try {
        const top = await listProcesses(this.docker, this.containerName)
        const command = top.Titles.indexOf('CMD')
        running = top.Processes.some((process) => pattern.test(process[command] ?? process.join(' ')))
      } catch {
        return // no proxy, or not running: nothing in flight
      }
      if (!running || Date.now() > deadline) return
      await sleep(250)
    }
  }

  async logs(options: Parameters<typeof streamContainerLogs>[2]): Promise<void> {
    if (!(await inspectContainer(this.docker, this.containerName))) {
      throw new DiscodeError(`The proxy container ${this.containerName} does not exist`, {
        hint: 'Run "discode proxy boot"',
        code: 'PROXY_NOT_RUNNING',
      })
    }
    await streamContainerLogs(this.docker, this.containerName, options)
  }
}
