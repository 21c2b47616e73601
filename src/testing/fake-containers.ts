/** The fake Docker's containers: create, the per-container API (dockerode's Container) and inspect. */
import type {Readable} from 'node:stream'

import {LABELS} from '../names/names.js'
import type {FakeDocker} from './fake-docker.js'
import {dockerFailure, execStream, framed, notFound} from './fake-streams.js'

export interface FakeContainer {
  id: string
  name: string
  /** As created: an image id (release containers) or a reference (accessories, the proxy). */
  image: string
  imageId: string
  labels: Record<string, string>
  env: string[]
  cmd?: string[]
  /** The create options' StopSignal and StopTimeout, as inspect shows them (images here name no STOPSIGNAL). */
  stop: {StopSignal?: string; StopTimeout?: number}
  networks: Set<string>
  mounts: {source: string; target: string}[]
  state: 'created' | 'running' | 'exited'
  exitCode: number
  startedAt: string
  /** What `docker logs` prints. */
  logs: string
  waiters: ((code: number) => void)[]
}

export function createFakeContainer(docker: FakeDocker, name: string, body: Record<string, unknown>): FakeContainer {
  if (docker.containers.has(name)) throw dockerFailure(409, `Conflict. The container name "/${name}" is already in use`)
  const imageRef = body.Image as string
  const image = docker.image(imageRef)
  if (!image) throw notFound(`image: ${imageRef}`)
  const host = (body.HostConfig ?? {}) as {NetworkMode?: string; Mounts?: {Source: string; Target: string}[]}
  const network = host.NetworkMode
  if (network && !docker.networks.has(network)) throw notFound(`network ${network}`)
  const mounts = (host.Mounts ?? []).map((m) => ({source: m.Source, target: m.Target}))
  // Docker creates a named volume on first use.
  for (const m of mounts) if (!docker.volumes.has(m.source)) docker.volumes.set(m.source, {labels: {}, data: Buffer.alloc(0)})
  const container: FakeContainer = {
    id: docker.nextId(),
    name,
    image: imageRef,
    imageId: image.id,
    labels: {...((body.Labels as Record<string, string>) ?? {})},
    env: (body.Env as string[]) ?? [],
    cmd: body.Cmd as string[] | undefined,
    stop: {StopSignal: body.StopSignal as string | undefined, StopTimeout: body.StopTimeout as number | undefined},
    networks: new Set(network ? [network] : []),
    mounts,
    state: 'created',
    exitCode: 0,
    startedAt: '0001-01-01T00:00:00Z',
    logs: '',
    waiters: [],
  }
  docker.containers.set(name, container)
  return container
}

function exited(container: FakeContainer, code: number): void {
  container.state = 'exited'
  container.exitCode = code
  for (const waiter of container.waiters.splice(0)) waiter(code)
}

/** A hook's one-off container runs to its end at once, as the test said it ends (see FakeDocker.hookExits). */
function start(docker: FakeDocker, container: FakeContainer): void {
  if (container.state === 'running') throw dockerFailure(304, 'container already started')
  container.state = 'running'
  container.startedAt = new Date(Date.now() + docker.calls.length).toISOString()
  const hook = container.labels[LABELS.hook]
  if (hook && hook !== 'backup') {
    const result = docker.hookResults.get(hook) ?? {exitCode: 0, output: `${hook} ran\n`}
    container.logs += result.output
    exited(container, result.exitCode)
  } else if (container.labels[LABELS.release]) {
    container.logs += `${container.labels[LABELS.version]} listening on :80\n`
  }
}

export function containerApi(docker: FakeDocker, name: string) {
  const act = <T>(point: string, work: (c: FakeContainer) => T | Promise<T>) =>
    docker.act(`container.${point}`, name, () => work(docker.mustFind(name)))
  return {
    inspect: () => act('inspect', (c) => inspectOf(c)),
    start: () => act('start', (c) => start(docker, c)),
    stop: (_options?: object) =>
      act('stop', (c) => {
        if (c.state !== 'running') throw dockerFailure(304, 'container already stopped')
        exited(c, 0)
      }),
    kill: () => act('kill', (c) => exited(c, 137)),
    remove: (options: {force?: boolean} = {}) =>
      act('remove', (c) => {
        if (c.state === 'running' && !options.force) throw dockerFailure(409, `cannot remove a running container ${name}`)
        if (c.state === 'running') exited(c, 137)
        docker.containers.delete(c.name)
      }),
    wait: (_options?: object) =>
      act('wait', (c) => new Promise<{StatusCode: number}>((resolve) => c.waiters.push((code) => resolve({StatusCode: code})))),
    logs: (_options?: object) => act('logs', (c) => framed(c.logs)),
    rename: (options: {name: string}) =>
      act('rename', (c) => {
        docker.containers.delete(c.name)
        c.name = options.name
        docker.containers.set(c.name, c)
      }),
    top: () => act('top', () => ({Titles: ['PID', 'CMD'], Processes: [] as string[][]})),
    infoArchive: (_options?: object) => act('infoArchive', (): unknown => Promise.reject(notFound('file'))),
    getArchive: (options: {path: string}) => act('getArchive', (c) => docker.getVolume(mountAt(c, options.path)).read()),
    putArchive: (tar: unknown, options: {path: string}) =>
      act('putArchive', async (c) => {
        if (c.name === docker.proxy.containerName) return
        await docker.getVolume(mountAt(c, options.path)).write(tar as Readable)
      }),
    exec: (options: {Cmd: string[]}) => act('exec', (c) => execApi(docker, c, options.Cmd)),
  }
}

function mountAt(container: FakeContainer, path: string): string {
  const mount = container.mounts.find((m) => path === m.target || path.startsWith(`${m.target}/`))
  if (!mount) throw notFound(`mount at ${path}`)
  return mount.source
}

/** An exec: `kamal-proxy ...` in the proxy container goes to the fake proxy; anything else prints nothing. */
function execApi(docker: FakeDocker, container: FakeContainer, cmd: string[]) {
  if (container.state !== 'running') throw dockerFailure(409, `Container ${container.name} is not running`)
  let exitCode = 0
  return {
    start: async (_options?: object) => {
      if (cmd[0] !== 'kamal-proxy' || container.name !== docker.proxy.containerName) return execStream('', '')
      const result = await docker.act(`proxy.${cmd[1]}`, cmd[2] ?? '', () => docker.proxy.run(cmd), cmd)
      exitCode = result.exitCode
      return execStream(result.stdout, result.stderr)
    },
    inspect: async () => ({ExitCode: exitCode}),
  }
}

/** What `docker inspect` gives of a container (the fields discode reads). */
export function inspectOf(c: FakeContainer) {
  return {
    Id: c.id,
    Name: `/${c.name}`,
    Image: c.imageId,
    RestartCount: 0,
    Config: {Image: c.image, Labels: {...c.labels}, Env: [...c.env], Cmd: c.cmd, ...c.stop},
    State: {
      Status: c.state,
      Running: c.state === 'running',
      Restarting: false,
      ExitCode: c.exitCode,
      StartedAt: c.startedAt,
    },
    NetworkSettings: {Networks: Object.fromEntries([...c.networks].map((n) => [n, {IPAddress: '10.0.0.2'}]))},
    Mounts: c.mounts.map((m) => ({Type: 'volume', Name: m.source, Destination: m.target})),
  }
}
