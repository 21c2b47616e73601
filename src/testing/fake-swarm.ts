/**
 * The fake Docker's Swarm: this engine a manager of `nodes` ready nodes, services whose replicas run
 * at once (tasks `running`), scaled by an update of the spec, hook jobs that complete (or fail, as
 * FakeDocker.hookExits says) at once, and the services' logs.
 */
import {LABELS} from '../names/names.js'
import type {FakeDocker} from './fake-docker.js'
import {dockerFailure, framed, hasLabel, notFound} from './fake-streams.js'

export interface FakeTask {
  ID: string
  Slot?: number
  NodeID: string
  DesiredState: string
  CreatedAt: string
  UpdatedAt: string
  Status: {State: string; Err?: string; ContainerStatus?: {ExitCode?: number}}
}

export interface FakeService {
  id: string
  name: string
  spec: Record<string, unknown>
  version: number
  tasks: FakeTask[]
  logs: string
}

export class FakeSwarm {
  active = true
  nodes = ['node-1', 'node-2', 'node-3']
  readonly services = new Map<string, FakeService>()
  /** Release versions whose replicas crash at start (their tasks fail). */
  readonly crashing = new Set<string>()
  /** Release versions whose replicas run at first, then crash while the proxy checks them. */
  readonly crashingLater = new Set<string>()
  /** Services whose name contains one of these crash at start (a process's, not its release's web). */
  readonly crashingNames = new Set<string>()

  constructor(private readonly docker: FakeDocker) {}

  info() {
    if (!this.active) return {LocalNodeState: 'inactive'}
    return {
      LocalNodeState: 'active',
      NodeID: this.nodes[0],
      ControlAvailable: true,
      RemoteManagers: [{Addr: '10.0.0.1:2377'}],
      NodeAddr: '10.0.0.1',
    }
  }

  init(): string {
    this.active = true
    return this.nodes[0]
  }

  nodeList() {
    return this.nodes.map((id, i) => ({
      ID: id,
      Description: {Hostname: `host-${i + 1}`},
      Spec: {Role: i === 0 ? 'manager' : 'worker', Availability: 'active'},
      Status: {State: 'ready', Addr: `10.0.0.${i + 1}`},
      ManagerStatus: i === 0 ? {Leader: true} : undefined,
    }))
  }

  /** Replicas of a service (wanted), or undefined for a job. */
  replicas(name: string): number | undefined {
    const mode = this.services.get(name)?.spec.Mode as {Replicated?: {Replicas?: number}} | undefined
    return mode?.Replicated?.Replicas
  }

  /** The proxy's health check reaches the service: the replicas of a release in crashingLater crash now. */
  checked(name: string): void {
    const s = this.services.get(name)
    if (!s || !this.crashingLater.has(this.labels(s)[LABELS.version])) return
    const crashed = {State: 'failed', Err: 'task: non-zero exit (3)', ContainerStatus: {ExitCode: 3}}
    for (const t of s.tasks) if (t.DesiredState === 'running') Object.assign(t, {DesiredState: 'shutdown', Status: crashed})
  }

  running(name: string): number {
    return this.services.get(name)?.tasks.filter((t) => t.Status.State === 'running').length ?? 0
  }

  create(spec: Record<string, unknown>) {
    const name = spec.Name as string
    return this.docker.act(
      'service.create',
      name,
      () => {
        if (this.services.has(name))
          throw dockerFailure(409, `rpc error: code = AlreadyExists desc = name conflicts with an existing object`)
        const service: FakeService = {id: this.docker.nextId(), name, spec, version: 1, tasks: [], logs: ''}
        this.services.set(name, service)
        this.converge(service)
        return {ID: service.id}
      },
      spec,
    )
  }

  list(labels: string[]) {
    return this.docker.act('service.list', labels.join(','), () =>
      [...this.services.values()].filter((s) => labels.every((l) => hasLabel(this.labels(s), l))).map((s) => this.inspectOf(s)),
    )
  }

  tasks(name: string) {
    return this.docker.act('service.tasks', name, () => {
      const service = this.services.get(name)
      if (!service) throw notFound(`service ${name}`)
      return service.tasks.map((t) => ({...t}))
    })
  }

  serviceApi(name: string) {
    const act = <T>(point: string, work: (s: FakeService) => T) =>
      this.docker.act(`service.${point}`, name, () => {
        const service = this.services.get(name)
        if (!service) throw notFound(`service ${name}`)
        return work(service)
      })
    return {
      inspect: () => act('inspect', (s) => this.inspectOf(s)),
      update: (_auth: unknown, options: {_query: {version: number}; _body: Record<string, unknown>}) =>
        act('update', (s) => {
          if (options._query.version !== s.version) throw dockerFailure(500, 'update out of sequence')
          s.spec = options._body
          s.version++
          this.converge(s)
        }),
      remove: () => act('remove', (s) => void this.services.delete(s.name)),
      logs: (_options?: object) => act('logs', (s) => framed(s.logs)),
    }
  }

  private labels(s: FakeService): Record<string, string> {
    return (s.spec.Labels as Record<string, string>) ?? {}
  }

  private inspectOf(s: FakeService) {
    return {ID: s.id, Version: {Index: s.version}, Spec: s.spec, UpdateStatus: {State: 'completed'}}
  }

  /** Brings the tasks to the spec at once: replicas running (or crashing), a job run to its end. */
  private converge(s: FakeService): void {
    const now = new Date().toISOString()
    const task = (slot: number, state: string, extra: Partial<FakeTask['Status']> = {}, desired = 'running'): FakeTask => ({
      ID: this.docker.nextId(),
      Slot: slot,
      NodeID: this.nodes[(slot - 1) % this.nodes.length],
      DesiredState: desired,
      CreatedAt: now,
      UpdatedAt: now,
      Status: {State: state, ...extra},
    })
    for (const t of s.tasks) if (t.DesiredState === 'running') Object.assign(t, {DesiredState: 'shutdown', Status: {State: 'shutdown'}})
    const hook = this.labels(s)[LABELS.hook]
    if (hook) {
      const result = this.docker.hookResults.get(hook) ?? {exitCode: 0, output: `${hook} ran\n`}
      s.logs += result.output
      const state = result.exitCode === 0 ? 'complete' : 'failed'
      s.tasks.push(
        task(
          1,
          state,
          {ContainerStatus: {ExitCode: result.exitCode}, Err: result.exitCode ? `task: non-zero exit (${result.exitCode})` : undefined},
          'complete',
        ),
      )
      return
    }
    const wanted = this.replicas(s.name) ?? 0
    const version = this.labels(s)[LABELS.version]
    const crashes = this.crashing.has(version) || [...this.crashingNames].some((n) => s.name.includes(n))
    for (let slot = 1; slot <= wanted; slot++) {
      if (crashes) {
        for (let i = 0; i < 3; i++)
          s.tasks.push(task(slot, 'failed', {Err: 'task: non-zero exit (1)', ContainerStatus: {ExitCode: 1}}, 'shutdown'))
      } else s.tasks.push(task(slot, 'running'))
    }
    if (wanted > 0 && !crashes) s.logs += `${version} listening on :80\n`
  }
}
