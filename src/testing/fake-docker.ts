/**
 * A small in-memory Docker for the orchestration's unit tests: just the dockerode surface discode
 * uses (containers, images and pulls, networks, volumes, exec, logs, Swarm services and tasks), a
 * record of every call, failures injected at a named point, and a "crash" after which every call
 * fails, as a killed process can no longer clean up. `docker exec <proxy> kamal-proxy ...` is answered
 * by FakeKamalProxy. Test support only (src/testing): product code never imports it.
 */
import {LABELS} from '../names/names.js'
import {containerApi, createFakeContainer, type FakeContainer, inspectOf} from './fake-containers.js'
import {FakeKamalProxy} from './fake-proxy.js'
import {imageApi, listNetworksOf, type NetworkFilters, networkApi, volumeApi} from './fake-resources.js'
import {dockerFailure, fakeDigest, fakeModem, hasLabel, notFound} from './fake-streams.js'
import {FakeSwarm} from './fake-swarm.js'

export type {FakeContainer} from './fake-containers.js'

/** Thrown by every call once the fake "process" was killed (see FakeDocker.crash). */
export class CrashError extends Error {}

export interface FakeCall {
  /** `container.start`, `image.pull`, `service.create`, `proxy.deploy`, ... */
  point: string
  target: string
  /** The argv of a proxy command, the spec of a service, ... */
  detail?: unknown
}

interface FailureRule {
  point: string
  target?: string | RegExp
  times: number
  error?: Error
}

export interface FakeImage {
  id: string
  refs: Set<string>
  repoDigests: string[]
}

export interface FakeNetwork {
  id: string
  driver: string
  labels: Record<string, string>
}

export interface FakeVolume {
  labels: Record<string, string>
  /** The volume's contents as the archive API moves them (opaque bytes here). */
  data: Buffer
}

export class FakeDocker {
  readonly calls: FakeCall[] = []
  readonly containers = new Map<string, FakeContainer>()
  readonly images = new Map<string, FakeImage>()
  /** What a pull can fetch: reference → image id. */
  readonly registry = new Map<string, string>()
  readonly networks = new Map<string, FakeNetwork>()
  readonly volumes = new Map<string, FakeVolume>()
  readonly proxy: FakeKamalProxy
  readonly swarm: FakeSwarm
  readonly modem = fakeModem
  /** How a one-off hook container ends, by its `discode.hook` label (default: exit 0). */
  readonly hookResults = new Map<string, {exitCode: number; output: string}>()
  dead = false
  private readonly failures: FailureRule[] = []
  private serial = 0

  constructor() {
    this.proxy = new FakeKamalProxy((host) => this.targetOf(host))
    this.swarm = new FakeSwarm(this)
  }

  /** Makes an image pullable (as a vendor pushing it to its registry); returns its id. */
  publish(ref: string): string {
    const id = fakeDigest(`image ${ref}`)
    this.registry.set(ref, id)
    return id
  }

  /** The next call at `point` (on `target`, if given: a substring or a pattern) fails, `times` times. */
  failAt(point: string, options: {target?: string | RegExp; times?: number; error?: Error} = {}): void {
    this.failures.push({point, target: options.target, times: options.times ?? 1, error: options.error})
  }

  /** The hook (recipe hook name) exits with `exitCode` and prints `output`. */
  hookExits(hook: string, exitCode: number, output = ''): void {
    this.hookResults.set(hook, {exitCode, output})
  }

  /** The process is killed: nothing it does from now on reaches Docker or the proxy. */
  crash(): void {
    this.dead = true
  }

  revive(): void {
    this.dead = false
  }

  count(point: string, target?: string): number {
    return this.calls.filter((c) => c.point === point && (target === undefined || c.target.includes(target))).length
  }

  /** Records the call, applies injected failures, then does `work`. Every fake method goes through it. */
  async act<T>(point: string, target: string, work: () => T | Promise<T>, detail?: unknown): Promise<T> {
    if (this.dead) throw new CrashError(`killed before ${point} ${target}`)
    this.calls.push({point, target, ...(detail === undefined ? {} : {detail})})
    const index = this.failures.findIndex((rule) => rule.point === point && matches(rule.target, target))
    if (index >= 0) {
      const rule = this.failures[index]
      if (--rule.times <= 0) this.failures.splice(index, 1)
      throw rule.error ?? dockerFailure(500, `injected failure at ${point} ${target}`)
    }
    return work()
  }

  nextId(): string {
    return fakeDigest(`object ${++this.serial}`).slice('sha256:'.length)
  }

  /** What the proxy reaches at a target host: a running container, or a service with running replicas. */
  targetOf(host: string): {up: boolean; version?: string} | undefined {
    const container = this.containers.get(host)
    if (container) return {up: container.state === 'running', version: container.labels[LABELS.version]}
    const service = this.swarm.services.get(host)
    if (!service) return undefined
    this.swarm.checked(host)
    return {up: this.swarm.running(host) > 0, version: (service.spec.Labels as Record<string, string>)[LABELS.version]}
  }

  /** A container by name or id. */
  find(nameOrId: string): FakeContainer | undefined {
    const name = nameOrId.replace(/^\//, '')
    return this.containers.get(name) ?? [...this.containers.values()].find((c) => c.id === name || c.id.startsWith(name))
  }

  mustFind(nameOrId: string): FakeContainer {
    const container = this.find(nameOrId)
    if (!container) throw notFound(`container: ${nameOrId}`)
    return container
  }

  /** An image by id, reference or `repo@digest`. */
  image(ref: string): FakeImage | undefined {
    return this.images.get(ref) ?? [...this.images.values()].find((i) => i.refs.has(ref) || i.repoDigests.includes(ref))
  }

  /** Names of the app's containers in a state ('running', 'exited', ...), sorted. */
  named(app: string, state?: string): string[] {
    return [...this.containers.values()]
      .filter((c) => c.labels[LABELS.app] === app && (state === undefined || c.state === state))
      .map((c) => c.name)
      .sort()
  }

  // ------------------------------------------------------------------ dockerode's surface

  getContainer(name: string) {
    return containerApi(this, name)
  }

  async createContainer(options: Record<string, unknown>) {
    const query = options._query as {name?: string} | undefined
    const name = query?.name ?? (options.name as string)
    const body = (options._body ?? options) as Record<string, unknown>
    return this.act(
      'container.create',
      name,
      () => {
        createFakeContainer(this, name, body)
        return this.getContainer(name)
      },
      body,
    )
  }

  async listContainers(options: {all?: boolean; filters?: {label?: string[]; network?: string[]; name?: string[]}} = {}) {
    const filters = options.filters ?? {}
    return this.act('container.list', (filters.label ?? filters.network ?? filters.name ?? []).join(','), () =>
      [...this.containers.values()]
        .filter((c) => options.all || c.state === 'running')
        .filter((c) => (filters.label ?? []).every((l) => hasLabel(c.labels, l)))
        .filter((c) => (filters.network ?? []).every((n) => c.networks.has(n)))
        .filter((c) => (filters.name ?? []).every((n) => new RegExp(n).test(`/${c.name}`)))
        .map((c) => ({
          Id: c.id,
          Names: [`/${c.name}`],
          Image: c.image,
          ImageID: c.imageId,
          Labels: {...c.labels},
          State: c.state,
          Status: c.state,
          NetworkSettings: inspectOf(c).NetworkSettings,
        })),
    )
  }

  getImage(ref: string) {
    return imageApi(this, ref)
  }

  async pull(ref: string, _options?: unknown) {
    return imageApi(this, ref).pull()
  }

  getNetwork(name: string) {
    return networkApi(this, name)
  }

  async createNetwork(options: {Name: string; Driver?: string; Labels?: Record<string, string>}) {
    return this.act('network.create', options.Name, () => {
      if (this.networks.has(options.Name)) throw dockerFailure(409, `network with name ${options.Name} already exists`)
      this.networks.set(options.Name, {id: this.nextId(), driver: options.Driver ?? 'bridge', labels: {...options.Labels}})
      return this.getNetwork(options.Name)
    })
  }

  async listNetworks(options: {filters?: NetworkFilters | string} = {}) {
    return listNetworksOf(this, options)
  }

  getVolume(name: string) {
    return volumeApi(this, name)
  }

  async createVolume(options: {Name: string; Labels?: Record<string, string>}) {
    return this.act('volume.create', options.Name, () => {
      if (!this.volumes.has(options.Name)) this.volumes.set(options.Name, {labels: options.Labels ?? {}, data: Buffer.alloc(0)})
      return {Name: options.Name}
    })
  }

  async listVolumes(options: {filters?: {label?: string[]}} = {}) {
    return this.act('volume.list', (options.filters?.label ?? []).join(','), () => ({
      Volumes: [...this.volumes.entries()]
        .filter(([, v]) => (options.filters?.label ?? []).every((l) => hasLabel(v.labels, l)))
        .map(([Name]) => ({Name})),
    }))
  }

  async ping() {
    return this.act('ping', '', () => 'OK')
  }

  async info() {
    return this.act('info', '', () => ({Swarm: this.swarm.info()}))
  }

  getService(name: string) {
    return this.swarm.serviceApi(name)
  }

  async createService(_auth: unknown, spec: Record<string, unknown>) {
    return this.swarm.create(spec)
  }

  async listServices(options: {filters?: {label?: string[]}} = {}) {
    return this.swarm.list(options.filters?.label ?? [])
  }

  async listTasks(options: {filters?: {service?: string[]}} = {}) {
    return this.swarm.tasks(options.filters?.service?.[0] ?? '')
  }

  async listNodes() {
    return this.act('node.list', '', () => this.swarm.nodeList())
  }

  async swarmInit() {
    return this.act('swarm.init', '', () => this.swarm.init())
  }

  async swarmInspect() {
    return this.act('swarm.inspect', '', () => ({JoinTokens: {Worker: 'SWMTKN-fake-worker'}}))
  }
}

function matches(target: string | RegExp | undefined, actual: string): boolean {
  if (target === undefined) return true
  return typeof target === 'string' ? actual.includes(target) : target.test(actual)
}
