import {setTimeout as sleep} from 'node:timers/promises'

import type {Settings} from '../config.js'
import {
  assertDockerRunning,
  type ContainerInspect,
  createContainer,
  type DockerClient,
  ensureNetwork,
  ensureVolume,
  inspectContainer,
  inspectImage,
  pullImage,
  type PullProgress,
  removeContainer,
  removeVolume,
  startContainer,
  stopContainer,
  volumeLabels,
} from '../docker/docker.js'
import {connectNetwork, containersOnNetwork, listNetworks, removeNetwork} from '../docker/networks.js'
import {DiscodeError} from '../errors.js'
import {LABELS} from '../names/names.js'
import {PROXY_STATE_DIR} from './commands.js'
import {PROXY_LABEL, type ProxyOwnership, proxyOwnership} from './ownership.js'

/** What discode sees of a proxy container: who created it and whether it can reach the apps. */
export interface ProxyFacts {
  ownership: ProxyOwnership
  networks: string[]
  /** Attached to discode's network (DISCODE_NETWORK), where the apps are. */
  onNetwork: boolean
  /** The volume mounted at the proxy's state directory, if any. */
  stateVolume?: string
}

export function proxyFacts(info: ContainerInspect, network: string): ProxyFacts {
  const networks = Object.keys(info.NetworkSettings?.Networks ?? {})
  const mount = (info.Mounts ?? []).find((m) => m.Destination === PROXY_STATE_DIR && m.Type === 'volume')
  return {
    ownership: proxyOwnership({labels: info.Config?.Labels, networks}),
    networks,
    onNetwork: networks.includes(network),
    stateVolume: mount?.Name,
  }
}

/**
 * The proxy's state volume holds every app's TLS private keys: one an app made (labelled with
 * `discode.app`, e.g. by an app named after the proxy) is never mounted into the proxy.
 */
async function assertProxyVolume(docker: DockerClient, volume: string): Promise<void> {
  const owner = (await volumeLabels(docker, volume))?.[LABELS.app]
  if (owner === undefined) return
  throw new DiscodeError(`The volume ${volume} belongs to the app ${owner}, so the proxy does not use it for its state`, {
    hint: `Uninstall ${owner} (or remove the volume: "docker volume rm ${volume}"), then run the command again`,
    code: 'NAME_TAKEN',
  })
}

/** `proxy reboot|remove` on a proxy discode did not create. */
export class SharedProxyError extends DiscodeError {}

export interface RemoveResult {
  container: string
  removed: boolean
  volume: {name: string; removed: boolean}
  network: {name: string; removed: boolean; usedBy: string[]}
  /** With purge: the apps' networks (the proxy left them; removed when no container uses them). */
  appNetworks: {name: string; removed: boolean; usedBy: string[]}[]
}

/**
 * The kamal-proxy container's own life cycle: boot (network, state volume, image, container), network
 * attachment, reboot and remove. A proxy discode did not create is shared: it is started if stopped
 * and attached to discode's network, but reboot and remove refuse it unless forced.
 */
export class ProxyContainer {
  constructor(
    private readonly docker: DockerClient,
    private readonly settings: Settings,
    /** Tells the user what was done to the proxy (once per change). */
    private readonly notify: (message: string) => void,
    /** Resolves once the proxy answers on its socket. */
    private readonly answers: () => Promise<unknown>,
  ) {}

  get name(): string {
    return this.settings.proxyContainer
  }

  /** Named like Kamal's `kamal-proxy-config`, so routes survive a recreate of the container. */
  get stateVolume(): string {
    return `${this.settings.proxyContainer}-config`
  }

  async inspect(): Promise<{info: ContainerInspect; facts: ProxyFacts} | undefined> {
    const info = await inspectContainer(this.docker, this.name)
    return info && {info, facts: proxyFacts(info, this.settings.network)}
  }

  /**
   * Makes sure the proxy runs and is on discode's network: network, state volume, image (pulled if
   * missing), container started, attached. Returns what it had to do to the container.
   */
  async boot(options: {onPull?: (p: PullProgress) => void} = {}): Promise<'running' | 'started' | 'created'> {
    await assertDockerRunning(this.docker)
    await ensureNetwork(this.docker, this.settings.network)
    const existing = await this.inspect()
    if (!existing) {
      await this.create(options, {networks: await this.appNetworks()})
      return 'created'
    }
    let done: 'running' | 'started' = 'running'
    if (!existing.info.State.Running) {
      await startContainer(this.docker, this.name)
      await this.waitUntilAnswering()
      done = 'started'
    }
    await this.ensureOnNetwork(existing.facts)
    await this.joinAppNetworks(existing.facts.networks)
    return done
  }

  /**
   * The networks discode made for apps: `<DISCODE_NETWORK>.<app>` on one host (lifecycle/network-plan.ts),
   * `<DISCODE_NETWORK>-cluster-<app>` for a cluster app (cluster/overlay-plan.ts; Swarm allows no dot).
   */
  async appNetworks(): Promise<string[]> {
    const prefixes = [`${this.settings.network}.`, `${this.settings.network}-cluster-`]
    const networks = await listNetworks(this.docker, ['discode.network=app'])
    return networks.filter((n) => prefixes.some((p) => n.startsWith(p))).sort()
  }

  /** The proxy joins every app's network (each app has its own); a boot after a re-create needs this. */
  private async joinAppNetworks(networks: string[]): Promise<void> {
    const missing = (await this.appNetworks()).filter((n) => !networks.includes(n))
    for (const network of missing) await connectNetwork(this.docker, network, this.name)
    if (missing.length > 0) this.notify(`Attached the proxy ${this.name} to the apps' networks ${missing.join(', ')}`)
  }

  /**
   * Attaches the proxy to discode's network if it is not (a proxy created by Kamal, or re-created
   * without it): the proxy dials the apps by container name on that network. True if it attached it.
   */
  async ensureOnNetwork(facts?: ProxyFacts): Promise<boolean> {
    const current = facts ?? (await this.inspect())?.facts
    if (!current || current.onNetwork) return false
    await connectNetwork(this.docker, this.settings.network, this.name)
    const shared = current.ownership.owned ? '' : ` (a shared proxy, created by ${current.ownership.owner})`
    this.notify(`Attached the proxy ${this.name}${shared} to network ${this.settings.network}, where the apps are`)
    return true
  }

  /**
   * Recreates the container (e.g. for a new DISCODE_PROXY_IMAGE). Routes come back from the state
   * volume, and the networks the old container was on are attached again (other tools' apps).
   */
  async reboot(options: {onPull?: (p: PullProgress) => void; force?: boolean} = {}): Promise<void> {
    await assertDockerRunning(this.docker)
    const existing = await this.inspect()
    if (existing) this.assertMayChange(existing.facts, 'reboot', options.force)
    const image = this.settings.proxyImage
    // Pull first: the old proxy keeps serving while the new image downloads.
    if (!(await inspectImage(this.docker, image))) await pullImage(this.docker, image, {onProgress: options.onPull})
    await ensureNetwork(this.docker, this.settings.network)
    await stopContainer(this.docker, this.name)
    await removeContainer(this.docker, this.name)
    await this.create(options, {
      volume: existing?.facts.stateVolume,
      networks: existing?.facts.networks.filter((n) => n !== this.settings.network) ?? [],
    })
  }

  /**
   * Stops and removes the container. The state volume and the network stay (a later boot restores
   * the routes) unless `purge`: then the volume goes, and the network too if no container uses it.
   */
  async remove(options: {force?: boolean; purge?: boolean} = {}): Promise<RemoveResult> {
    await assertDockerRunning(this.docker)
    const existing = await this.inspect()
    if (existing) this.assertMayChange(existing.facts, 'remove', options.force)
    await stopContainer(this.docker, this.name)
    await removeContainer(this.docker, this.name)
    const volume = existing?.facts.stateVolume ?? this.stateVolume
    const network = this.settings.network
    const result: RemoveResult = {
      container: this.name,
      removed: existing !== undefined,
      volume: {name: volume, removed: false},
      network: {name: network, removed: false, usedBy: []},
      appNetworks: [],
    }
    if (!options.purge) return result
    await removeVolume(this.docker, volume)
    result.volume.removed = true
    result.network = await this.removeIfUnused(network)
    for (const name of await this.appNetworks()) result.appNetworks.push(await this.removeIfUnused(name))
    return result
  }

  private async removeIfUnused(name: string): Promise<RemoveResult['network']> {
    const usedBy = await containersOnNetwork(this.docker, name)
    if (usedBy.length > 0) return {name, removed: false, usedBy}
    await removeNetwork(this.docker, name)
    return {name, removed: true, usedBy}
  }

  private assertMayChange(facts: ProxyFacts, action: 'reboot' | 'remove', force?: boolean): void {
    if (facts.ownership.owned || force) return
    throw new SharedProxyError(
      `The proxy ${this.name} was created by ${facts.ownership.owner}, not by discode: discode shares it and does not ${action} it`,
      {
        code: 'PROXY_NOT_OWNED',
        hint: `Use the tool that created it (e.g. "kamal proxy ${action}"), or run "discode proxy ${action} --force" to ${action} it anyway (its other services are interrupted)`,
      },
    )
  }

  private async create(options: {onPull?: (p: PullProgress) => void}, reuse: {volume?: string; networks?: string[]} = {}): Promise<void> {
    const image = this.settings.proxyImage
    if (!(await inspectImage(this.docker, image))) await pullImage(this.docker, image, {onProgress: options.onPull})
    const volume = reuse.volume ?? this.stateVolume
    await assertProxyVolume(this.docker, volume)
    await ensureVolume(this.docker, volume, {[PROXY_LABEL]: 'true'})
    const bind = this.settings.proxyBind
    await createContainer(this.docker, {
      name: this.name,
      image,
      network: this.settings.network,
      labels: {[PROXY_LABEL]: 'true'},
      volumes: [{source: volume, target: PROXY_STATE_DIR}],
      restart: true,
      ports: [
        {containerPort: 80, hostPort: this.settings.proxyHttpPort, hostIp: bind},
        {containerPort: 443, hostPort: this.settings.proxyHttpsPort, hostIp: bind},
      ],
    })
    for (const network of reuse.networks ?? []) await connectNetwork(this.docker, network, this.name)
    await startContainer(this.docker, this.name)
    await this.waitUntilAnswering()
  }

  /** The server creates its socket a moment after the container starts. */
  private async waitUntilAnswering(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      try {
        await this.answers()
        return
      } catch (error) {
        const container = await inspectContainer(this.docker, this.name)
        if (!container?.State.Running || Date.now() > deadline) {
          throw new DiscodeError(`The proxy container ${this.name} did not start: ${(error as Error).message}`, {
            hint: 'See "discode proxy logs"; is another program using the proxy ports (DISCODE_PROXY_HTTP_PORT / DISCODE_PROXY_HTTPS_PORT)?',
            code: 'PROXY_NOT_RUNNING',
            cause: error,
          })
        }
        await sleep(200)
      }
    }
  }
}
