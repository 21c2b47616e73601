import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import type {Settings} from '../config.js'
import {
  assertDockerRunning,
  containerLogText,
  type ContainerInspect,
  type DockerClient,
  execInContainer,
  inspectContainer,
  listProcesses,
  type PullProgress,
  statPath,
  streamContainerLogs,
} from '../docker/docker.js'
import {DiscodeError} from '../errors.js'
import {type DeployArgs, deployCommand, listCommand, pauseCommand, PROXY_STATE_FILE, removeCommand, resumeCommand} from './commands.js'
import {ProxyContainer, proxyFacts, type RemoveResult} from './container.js'
import {HealthCheckTimeoutError, proxyCommandError, ServiceNotFoundError} from './errors.js'
import {describeHealthFailure, lastHealthCheckError} from './health-reason.js'
import {parseList, type ProxyRoute} from './list.js'
import {assertProxySupports} from './proxy-versions.js'
import {withStoredCertificate} from './certificates.js'
import {reusableRoutes, saveListing} from './listing-cache.js'
import {type ProxyOwnership, routeOwner, targetHost} from './ownership.js'

export {HealthCheckTimeoutError, HostConflictError, ProxyCommandError, proxyCommandError, ServiceNotFoundError} from './errors.js'

export interface ProxyStatus {
  container: string
  image?: string
  running: boolean
  state: string
  routes: ProxyRoute[]
  /** Whether discode created it (it may reboot and remove it) or shares someone else's. */
  ownership?: ProxyOwnership
  /** The networks it is on; `onNetwork`: on its own network (DISCODE_NETWORK). */
  networks: string[]
  network: string
  onNetwork: boolean
  /** Apps' networks (`<DISCODE_NETWORK>.<app>`) the proxy is not on: it cannot reach those apps. */
  missingAppNetworks: string[]
}

/**
 * Drives the kamal-proxy container: its life cycle (boot, reboot, remove) and its client commands,
 * which run inside it with `docker exec` because the client talks to the server over a unix socket.
 */
export class Proxy {
  private readonly container: ProxyContainer

  constructor(
    private readonly docker: DockerClient,
    private readonly settings: Settings,
    /** Where the proxy says what it did on its own (attached a network): the command's reporter. */
    notify: (message: string) => void = () => {},
  ) {
    this.container = new ProxyContainer(docker, settings, notify, () => this.routes())
  }

  get containerName(): string {
    return this.settings.proxyContainer
  }

  /** DISCODE_NETWORK: the proxy's own network (and the one all apps shared before each got its own). */
  get baseNetwork(): string {
    return this.settings.network
  }

  /** Named like Kamal's `kamal-proxy-config`, so routes survive a recreate of the container. */
  get stateVolume(): string {
    return this.container.stateVolume
  }

  async run(argv: string[]): Promise<string> {
    const result = await execInContainer(this.docker, this.containerName, argv)
    if (result.exitCode !== 0) throw proxyCommandError(result.stderr || result.stdout, result.exitCode)
    return result.stdout
  }

  /**
   * Health-checks the target, switches the service to it and drains the old one. A failed health
   * check names the proxy's reason (from its log); a service of another tool is never replaced.
   */
  async deploy(args: DeployArgs): Promise<void> {
    assertProxySupports(args.options ?? {}, this.settings.proxyImage)
    await this.assertNotOthers(args.service)
    args = await withStoredCertificate(this.docker, this.containerName, this.settings.home, args)
    // Log lines are stamped by the proxy (same host clock); a second of slack for rounding.
    const since = new Date(Date.now() - 1000)
    try {
      await this.run(deployCommand(args))
    } catch (error) {
      if (error instanceof HealthCheckTimeoutError) throw await this.explainUnhealthy(error, args, since)
      throw error
    }
  }

  private async explainUnhealthy(error: HealthCheckTimeoutError, args: DeployArgs, since: Date): Promise<HealthCheckTimeoutError> {
    const logs = await containerLogText(this.docker, this.containerName, {tail: 2000}).catch(() => '')
    const logged = lastHealthCheckError(logs, args.target, since)
    if (!logged) return error
    // The app's network: the target container's (each app has its own), else the proxy's (a cluster's service).
    const target = await inspectContainer(this.docker, args.target.split(':')[0]!).catch(() => undefined)
    const network = Object.keys(target?.NetworkSettings?.Networks ?? {})[0] ?? this.settings.network
    const {reason, hint} = describeHealthFailure(logged, {target: args.target, path: args.healthCheckPath, network})
    return new HealthCheckTimeoutError(`${error.proxyMessage}: ${reason}`, {
      code: 'UNHEALTHY',
      hint: `${hint} (the proxy logged: ${logged})`,
    })
  }

  /** A route of the same name that another tool created (its targets are not this app's containers). */
  private async assertNotOthers(service: string): Promise<void> {
    const route = await this.route(service)
    if (!route || (await this.ownerOf(route)) !== 'other') return
    throw new DiscodeError(
      `The proxy ${this.containerName} already has a service "${service}" that discode did not create (it routes to ${route.targets.join(', ')})`,
      {
        code: 'ROUTE_TAKEN',
        hint: 'discode never changes the routes of other tools: install the app under another name',
      },
    )
  }

  /** Whose route it is, from the labels of the containers it targets (see routeOwner). */
  private async ownerOf(route: ProxyRoute) {
    const labels = await Promise.all(
      route.targets.map(async (target) => {
        const info = await inspectContainer(this.docker, targetHost(target))
        return info ? (info.Config.Labels ?? {}) : undefined
      }),
    )
    return routeOwner(route, labels)
  }

  /** Removes a route; a route that is already gone is fine. */
  async removeService(service: string): Promise<void> {
    const route = await this.route(service)
    if (!route || (await this.ownerOf(route)) === 'other') return // another tool's service of that name stays
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
   * Makes sure the proxy runs and is attached to discode's network: network, state volume, image
   * (pulled if missing), container started. Returns what it had to do, so commands can say it.
   */
  async boot(options: {onPull?: (p: PullProgress) => void} = {}): Promise<'running' | 'started' | 'created'> {
    return this.container.boot(options)
  }

  /** Attaches the proxy to discode's network if it is not (boot does this too); true if it did. */
  async ensureOnNetwork(): Promise<boolean> {
    return this.container.ensureOnNetwork()
  }

  async status(): Promise<ProxyStatus> {
    await assertDockerRunning(this.docker)
    const {info, routes} = await this.inspectWithRoutes()
    const network = this.settings.network
    const appNetworks = await this.container.appNetworks()
    if (!info) {
      return {
        container: this.containerName,
        running: false,
        state: 'missing',
        routes: [],
        networks: [],
        network,
        onNetwork: false,
        missingAppNetworks: appNetworks,
      }
    }
    const facts = proxyFacts(info, network)
    return {
      container: this.containerName,
      image: info.Config.Image,
      running: info.State.Running,
      state: info.State.Status,
      routes: routes ?? [],
      ownership: facts.ownership,
      networks: facts.networks,
      network,
      onNetwork: facts.onNetwork,
      missingAppNetworks: appNetworks.filter((n) => !facts.networks.includes(n)),
    }
  }

  /**
   * Recreates the container (e.g. for a new DISCODE_PROXY_IMAGE); routes come back from the state
   * volume. Refuses a proxy discode did not create, unless `force`.
   */
  async reboot(options: {onPull?: (p: PullProgress) => void; force?: boolean} = {}): Promise<void> {
    await this.container.reboot(options)
  }

  /**
   * Stops and removes the container; the state volume stays so a later boot restores the routes,
   * unless `purge`. Refuses a proxy discode did not create, unless `force`.
   */
  async remove(options: {force?: boolean; purge?: boolean} = {}): Promise<RemoveResult> {
    return this.container.remove(options)
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
