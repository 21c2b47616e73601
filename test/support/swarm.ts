/**
 * A multi-node Docker Swarm test stand on one machine: N extra dockerd (default 3), each in its own
 * network namespace, as /work/shared/reference/swarm-test-hosts.md describes (pitfall numbers below
 * refer to it). Needs root, iproute2 (`ip`), util-linux (`nsenter`, `unshare`), docker.io (`dockerd`)
 * and docker-registry; the project's test registry must run (`bash scripts/services.sh`).
 *
 *   root netns   swtest0 10.250.0.1/24    registry :5000 (same storage as 127.0.0.1:5000), NXDOMAIN DNS :53
 *      | veth
 *   netns swhub  bridge swtest-br          (its own netns: the root FORWARD policy would drop, pitfall 2)
 *      | veth p1..pN
 *   netns swnodeN  eth0 10.250.0.(10+N)    dockerd -H unix:///run/swarmN/docker.sock, hostname swnodeN
 *
 * The nodes have no default route: nothing in them reaches beyond 10.250.0.0/24. Images pushed by
 * test/support/images.ts as 127.0.0.1:5000/discode-test/app:TAG are pullable by the nodes as
 * 10.250.0.1:5000/discode-test/app:TAG, without a push (one storage directory, two registry processes).
 * The stand does NOT run `swarm init` (discode's `cluster init` does, or the test).
 *
 * API:
 *   const stand = await createSwarmStand({nodes: 3})   // cleans leftovers of a killed run first
 *   try {
 *     stand.nodes                      // [{index: 1, name: 'swnode1', address: '10.250.0.11',
 *                                      //   dockerHost: 'unix:///run/swarm1/docker.sock'}, ...]
 *     stand.registry                   // '10.250.0.1:5000'
 *     await stand.docker(node, ['info'])                 // the docker CLI with -H node.dockerHost
 *     await stand.loadImage(node, image)                 // docker save (host daemon) | docker -H node load
 *     await stand.joinWorkers(printedJoinCommand)        // nodes 2..N join, with their own addresses
 *     await stand.stopDaemon(node); await stand.startDaemon(node)   // same data-root: it rejoins
 *     await stand.stopRegistry(); await stand.startRegistry()       // the nodes cut off from any registry
 *   } finally {
 *     await stand.teardown()           // idempotent; leaves no netns, link, /run/swarmN, cgroup,
 *   }                                  // process, mount or temp dir behind
 *
 * One stand per machine at a time (fixed names and addresses): createSwarmStand takes a machine-wide
 * lock (proper-lockfile on /run/discode-swarm-stand; a killed run's lock goes stale after 20 s) and
 * waits up to 10 minutes for another stand to be torn down. The host's own dockerd is only used for
 * `docker save`.
 */
import {type ChildProcess, execFile, spawn} from 'node:child_process'
import dgram from 'node:dgram'
import {accessSync, constants, existsSync, openSync, closeSync} from 'node:fs'
import {mkdir, mkdtemp, readdir, readFile, rm, rmdir, writeFile} from 'node:fs/promises'
import http from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import lockfile from 'proper-lockfile'
import {parse as parseYaml} from 'yaml'

import {docker as hostDocker, type DockerResult} from './images.js'

export interface SwarmNode {
  index: number
  /** `swnode1`: its network namespace and its hostname (`docker node ls`, `{{.Node.Hostname}}`). */
  name: string
  /** `10.250.0.11`: eth0 in its netns; give it as --advertise-addr / --listen-addr. */
  address: string
  /** `unix:///run/swarm1/docker.sock` */
  dockerHost: string
}

export interface SwarmStand {
  nodes: SwarmNode[]
  /** `10.250.0.1:5000`: the nodes' (insecure) registry, same storage as the project's test registry. */
  registry: string
  /** The docker CLI against one node (`docker -H <node> ...args`); rejects with stderr in the message. */
  docker(node: SwarmNode, args: string[], opts?: {timeoutMs?: number}): Promise<DockerResult>
  /** `docker save IMAGE` from the host daemon piped into `docker -H <node> load`. */
  loadImage(node: SwarmNode, image: string): Promise<void>
  /** Runs a printed `docker swarm join --token T ADDR:2377` on nodes 2..N with their own addresses. */
  joinWorkers(joinCommand: string): Promise<void>
  /** SIGTERM the node's dockerd and wait until it is gone (SIGKILL after 60 s). */
  stopDaemon(node: SwarmNode): Promise<void>
  /** Start the node's dockerd again with the same data-root (a swarm member rejoins); waits until it answers. */
  startDaemon(node: SwarmNode): Promise<void>
  /** Stops the nodes' registry (10.250.0.1:5000): a cluster cut off from any registry. */
  stopRegistry(): Promise<void>
  /** Starts it again on the same storage; waits until it answers. */
  startRegistry(): Promise<void>
  /** The reference's full teardown; idempotent, never throws for something already gone. */
  teardown(): Promise<void>
}

export const STAND_REGISTRY = '10.250.0.1:5000'
const HOST_ADDRESS = '10.250.0.1'
const HUB = 'swhub'
const BRIDGE = 'swtest-br'
const HOST_LINK = 'swtest0'
const STATE_DIR = '/run/discode-swarm-stand' // registry pid and the temp dir's path, for a later run's clean-up
const LOCK_FILE = '/run/discode-swarm-stand'
const REQUIRED = ['ip', 'nsenter', 'unshare', 'docker-registry', 'dockerd', 'docker'] as const
const SEARCH_PATH = [...(process.env.PATH ?? '').split(':'), '/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/bin', '/bin']

const nodeName = (index: number) => `swnode${index}`
const runDir = (index: number) => `/run/swarm${index}`

// ---------------------------------------------------------------- small process helpers

interface Tools {
  [name: string]: string
}

function findTools(): Tools {
  if (process.getuid?.() !== 0) throw new Error('swarm stand: must run as root (it creates network namespaces and runs dockerd)')
  const tools: Tools = {}
  const missing: string[] = []
  for (const name of REQUIRED) {
    const found = SEARCH_PATH.filter(Boolean)
      .map((dir) => join(dir, name))
      .find((candidate) => {
        try {
          accessSync(candidate, constants.X_OK)
          return true
        } catch {
          return false
        }
      })
    if (found) tools[name] = found
    else missing.push(name)
  }
  if (missing.length > 0) {
    throw new Error(
      `swarm stand: missing ${missing.join(', ')}. Hint: apt-get install iproute2 util-linux docker.io docker-registry (bash scripts/services.sh installs them)`,
    )
  }
  return tools
}

function run(file: string, args: string[], opts: {timeoutMs?: number} = {}): Promise<DockerResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, {timeout: opts.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024}, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${String(stderr).trim() || error.message}`, {cause: error}))
      else resolve({stdout: String(stdout), stderr: String(stderr)})
    })
  })
}

/** Runs and ignores failure (clean-up of things that may already be gone). */
async function attempt(file: string, args: string[], opts: {timeoutMs?: number} = {}): Promise<boolean> {
  try {
    await run(file, args, opts)
    return true
  } catch {
    return false
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A pid counts as alive while it exists and is not a zombie. */
async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

async function readPid(file: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(file, 'utf8')).trim())
    return Number.isInteger(pid) && pid > 1 ? pid : undefined
  } catch {
    return undefined
  }
}

/** SIGTERM, wait until gone (up to `graceMs`), then SIGKILL and wait again. */
async function terminate(pid: number, graceMs: number): Promise<void> {
  for (const [signal, wait] of [
    ['SIGTERM', graceMs],
    ['SIGKILL', 10_000],
  ] as const) {
    try {
      process.kill(pid, signal)
    } catch {
      return
    }
    const deadline = Date.now() + wait
    while (Date.now() < deadline) {
      if (!(await alive(pid))) return
      await sleep(100)
    }
  }
}

/** Polls `check` every 200 ms until it resolves true; rejects with `what` after `timeoutMs`. */
async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return
    await sleep(200)
  }
  throw new Error(`swarm stand: ${what} within ${timeoutMs / 1000} s`)
}

// ---------------------------------------------------------------- registry and DNS on 10.250.0.1

/** storage.filesystem.rootdirectory of the project's test registry (scripts/services.sh writes its config). */
async function projectRegistryStorage(): Promise<string> {
  const dir = process.env.DISCODE_REGISTRY_DIR ?? '/tmp/discode-registry'
  const configFile = join(dir, 'config.yml')
  let config: {storage?: {filesystem?: {rootdirectory?: unknown}}}
  try {
    config = parseYaml(await readFile(configFile, 'utf8'))
  } catch (error) {
    throw new Error(`swarm stand: cannot read the test registry's ${configFile}. Hint: bash scripts/services.sh`, {cause: error})
  }
  const root = config?.storage?.filesystem?.rootdirectory
  if (typeof root !== 'string' || !existsSync(root)) {
    throw new Error(`swarm stand: ${configFile} names no existing storage.filesystem.rootdirectory. Hint: bash scripts/services.sh`)
  }
  return root
}

function registryAnswers(): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(`http://${STAND_REGISTRY}/v2/`, {timeout: 2000, agent: false}, (response) => {
      response.resume()
      resolve(response.statusCode === 200)
    })
    request.on('timeout', () => request.destroy())
    request.on('error', () => resolve(false))
  })
}

async function startRegistry(tools: Tools, dir: string): Promise<ChildProcess> {
  const config = join(dir, 'registry.yml')
  await writeFile(
    config,
    [
      "# The swarm stand's registry: the project test registry's storage, served to the nodes on 10.250.0.1.",
      'version: 0.1',
      'log: {level: warn, accesslog: {disabled: true}}',
      `storage: {filesystem: {rootdirectory: ${JSON.stringify(await projectRegistryStorage())}}}`,
      `http: {addr: "${STAND_REGISTRY}", secret: discode-swarm-stand-not-a-secret}`,
      '',
    ].join('\n'),
  )
  const log = openSync(join(dir, 'registry.log'), 'a')
  const child = spawn(tools['docker-registry'], ['serve', config], {stdio: ['ignore', log, log], detached: true})
  closeSync(log)
  child.unref()
  await writeFile(join(STATE_DIR, 'registry.pid'), `${child.pid}\n`)
  await until(`the registry on ${STAND_REGISTRY} did not answer (see ${dir}/registry.log)`, 30_000, async () => {
    if (child.exitCode !== null) throw new Error(`swarm stand: docker-registry exited at start (see ${dir}/registry.log)`)
    return registryAnswers()
  })
  return child
}

/**
 * The answer to any DNS query: NXDOMAIN with the question echoed (pitfall 7: Docker's embedded DNS
 * forwards unknown names upstream; this makes them fail at once, as on a real host). Undefined for
 * something that is not a query.
 */
export function nxdomainFor(query: Buffer): Buffer | undefined {
  if (query.length < 12 || (query[2] & 0x80) !== 0) return undefined
  let end = 12
  for (let question = query.readUInt16BE(4); question > 0; question--) {
    while (end < query.length && query[end] !== 0) end += query[end] + 1
    end += 5 // the root label, QTYPE, QCLASS
  }
  if (end > query.length) return undefined
  const answer = Buffer.from(query.subarray(0, end))
  answer[2] = 0x80 | (query[2] & 0x79) // QR=1, opcode and RD kept
  answer[3] = 0x80 | 3 // RA=1, RCODE=3 (NXDOMAIN)
  answer.fill(0, 6, 12) // no answer, authority or additional records (an EDNS OPT record is dropped)
  return answer
}

async function startDns(): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4')
  socket.on('message', (message, peer) => {
    const answer = nxdomainFor(message)
    if (answer) socket.send(answer, peer.port, peer.address)
  })
  socket.on('error', () => {}) // a node vanishing mid-answer must not end the test process
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.bind(53, HOST_ADDRESS, () => {
      socket.off('error', reject)
      resolve()
    })
  })
  socket.unref()
  return socket
}

// ---------------------------------------------------------------- network (step 1)

async function createNetwork(tools: Tools, count: number): Promise<void> {
  const ip = (...args: string[]) => run(tools.ip, args)
  await ip('netns', 'add', HUB)
  await ip('-n', HUB, 'link', 'set', 'lo', 'up')
  await ip('-n', HUB, 'link', 'add', BRIDGE, 'type', 'bridge')
  await ip('-n', HUB, 'link', 'set', BRIDGE, 'up')
  await ip('link', 'add', HOST_LINK, 'type', 'veth', 'peer', 'name', 'hub0', 'netns', HUB)
  await ip('addr', 'add', `${HOST_ADDRESS}/24`, 'dev', HOST_LINK)
  await ip('link', 'set', HOST_LINK, 'up')
  await ip('-n', HUB, 'link', 'set', 'hub0', 'master', BRIDGE, 'up')
  for (let i = 1; i <= count; i++) {
    const ns = nodeName(i)
    await ip('netns', 'add', ns)
    await ip('-n', ns, 'link', 'set', 'lo', 'up')
    await ip('-n', HUB, 'link', 'add', `p${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns)
    await ip('-n', HUB, 'link', 'set', `p${i}`, 'master', BRIDGE, 'up')
    await ip('-n', ns, 'addr', 'add', `10.250.0.${10 + i}/24`, 'dev', 'eth0')
    await ip('-n', ns, 'link', 'set', 'eth0', 'up')
  }
}

// ---------------------------------------------------------------- daemons (step 3)

async function prepareDaemon(dir: string, node: SwarmNode): Promise<void> {
  const own = join(dir, node.name)
  await mkdir(join(own, 'data'), {recursive: true})
  await mkdir(runDir(node.index), {recursive: true})
  // Own key.json, hence own engine ID (pitfall 4); a config-file key in 20.10, not a flag.
  await writeFile(join(own, 'daemon.json'), `${JSON.stringify({'deprecated-key-path': join(own, 'key.json')})}\n`)
}

/**
 * nsenter --net (not `ip netns exec`, which hides the cgroups: pitfall 3) + unshare --uts with its
 * own hostname (pitfall 4), in a new session so it outlives nothing it should not.
 */
function spawnDaemon(tools: Tools, dir: string, node: SwarmNode): void {
  const own = join(dir, node.name)
  const run = runDir(node.index)
  const dockerd = [
    tools.dockerd,
    ...['--config-file', join(own, 'daemon.json'), '--data-root', join(own, 'data')],
    ...['--exec-root', `${run}/exec`, '--pidfile', `${run}/docker.pid`, '-H', node.dockerHost],
    ...['--storage-driver', 'overlay2', '--cgroup-parent', `swarm${node.index}`],
    ...['--insecure-registry', STAND_REGISTRY, '--dns', HOST_ADDRESS, '--log-level', 'warn'],
  ]
  // Writing /proc/sys/kernel/hostname is `hostname NAME` without needing that binary.
  const script = `echo ${node.name} > /proc/sys/kernel/hostname && exec ${dockerd.map((arg) => `'${arg}'`).join(' ')}`
  const log = openSync(join(own, 'dockerd.log'), 'a')
  const child = spawn(tools.nsenter, [`--net=/run/netns/${node.name}`, tools.unshare, '--uts', '/bin/sh', '-c', script], {
    stdio: ['ignore', log, log],
    detached: true,
  })
  closeSync(log)
  child.unref()
}

async function daemonAnswers(node: SwarmNode): Promise<boolean> {
  await hostDocker(['-H', node.dockerHost, 'version', '--format', '{{.Server.Version}}'], {timeoutMs: 5000})
  return true
}

async function stopDaemonAt(index: number): Promise<void> {
  const run = runDir(index)
  const pid = await readPid(`${run}/docker.pid`)
  if (pid && (await alive(pid))) await terminate(pid, 60_000)
  // A dockerd killed hard leaves its containerd behind.
  const containerd = await readPid(`${run}/exec/containerd/containerd.pid`)
  if (containerd && (await alive(containerd))) await terminate(containerd, 10_000)
}

// ---------------------------------------------------------------- teardown and leftovers (step 7)

async function standIndexes(tools: Tools): Promise<number[]> {
  const found = new Set<number>()
  const namespaces = await run(tools.ip, ['netns', 'list']).catch(() => ({stdout: ''}))
  for (const match of namespaces.stdout.matchAll(/^swnode(\d+)\b/gm)) found.add(Number(match[1]))
  for (const entry of await readdir('/run').catch(() => [] as string[])) {
    const match = /^swarm(\d+)$/.exec(entry)
    if (match) found.add(Number(match[1]))
  }
  return [...found].sort((a, b) => a - b)
}

/** cgroup directories named swarmN (and their per-container children), deepest first. */
async function swarmCgroups(): Promise<string[]> {
  const found: string[] = []
  const walk = async (dir: string, depth: number): Promise<void> => {
    const entries = await readdir(dir, {withFileTypes: true}).catch(() => [])
    for (const entry of entries) {
      if (!entry.isDirectory()) continue
      const path = join(dir, entry.name)
      if (/^swarm\d+$/.test(entry.name)) {
        for (const child of await readdir(path, {withFileTypes: true}).catch(() => [])) {
          if (child.isDirectory()) found.push(join(path, child.name))
        }
        found.push(path)
      } else if (depth < 8) {
        await walk(path, depth + 1)
      }
    }
  }
  await walk('/sys/fs/cgroup', 0)
  return found
}

/** Processes still in a node's cgroups (containers of a daemon killed hard); then the empty cgroups go. */
async function removeCgroups(): Promise<void> {
  const groups = await swarmCgroups()
  for (const group of groups) {
    const procs = await readFile(join(group, 'cgroup.procs'), 'utf8').catch(() => '')
    for (const pid of procs.split('\n').filter(Boolean).map(Number)) await terminate(pid, 5000)
  }
  for (const group of groups) await rmdir(group).catch(() => {})
}

/** Mount points under the stand's directories, deepest first (a daemon killed hard leaves some). */
async function unmountUnder(prefixes: string[]): Promise<void> {
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8')
  const points = mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((point): point is string => Boolean(point) && prefixes.some((prefix) => point === prefix || point.startsWith(`${prefix}/`)))
    .sort((a, b) => b.length - a.length)
  const umount = SEARCH_PATH.map((dir) => join(dir, 'umount')).find((path) => existsSync(path)) ?? 'umount'
  for (const point of points) await attempt(umount, ['-l', point])
}

/** Everything a stand (this one, or a killed run's) leaves; tolerant of anything already gone. */
async function removeStand(tools: Tools, extraDirs: string[]): Promise<void> {
  const indexes = await standIndexes(tools)
  const nodes = indexes.map(standNode)
  // 1–2: services go, then every node leaves (workers first), while the daemons still answer.
  const manager = nodes[0]
  if (manager && (await daemonAnswers(manager).catch(() => false))) {
    const services = await hostDocker(['-H', manager.dockerHost, 'service', 'ls', '-q'], {timeoutMs: 15_000}).catch(() => ({stdout: ''}))
    const ids = services.stdout.split('\n').filter(Boolean)
    if (ids.length > 0) await hostDocker(['-H', manager.dockerHost, 'service', 'rm', ...ids], {timeoutMs: 30_000}).catch(() => {})
  }
  for (const node of [...nodes].reverse()) {
    await hostDocker(['-H', node.dockerHost, 'swarm', 'leave', '--force'], {timeoutMs: 20_000}).catch(() => {})
  }
  // 3: the daemons, in parallel (each may wait for its containers).
  await Promise.all(indexes.map(stopDaemonAt))
  // 4: the registry (the DNS responder lives in this process; the caller closes it).
  const registry = await readPid(join(STATE_DIR, 'registry.pid'))
  if (registry && (await alive(registry)) && (await isRegistry(registry))) await terminate(registry, 10_000)
  const recordedDir = (await readFile(join(STATE_DIR, 'testdir'), 'utf8').catch(() => '')).trim()
  const dirs = [...extraDirs, ...(recordedDir.startsWith(tmpdir()) ? [recordedDir] : [])]
  // 5: mounts, 6: namespaces (deleting the hub also removes swtest0), 7: cgroups, 8: directories.
  await removeCgroups()
  await unmountUnder([...indexes.map(runDir), ...dirs])
  for (const index of indexes) await attempt(tools.ip, ['netns', 'del', nodeName(index)])
  await attempt(tools.ip, ['netns', 'del', HUB])
  await attempt(tools.ip, ['link', 'del', HOST_LINK])
  await removeCgroups()
  for (const dir of [...indexes.map(runDir), ...dirs, STATE_DIR]) await rm(dir, {recursive: true, force: true})
}

/** A recycled pid must not be killed: the registry's command line names our config. */
async function isRegistry(pid: number): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')
  return cmdline.includes('registry.yml')
}

function standNode(index: number): SwarmNode {
  return {index, name: nodeName(index), address: `10.250.0.${10 + index}`, dockerHost: `unix://${runDir(index)}/docker.sock`}
}

// ---------------------------------------------------------------- the stand

/** Parses `docker swarm join --token T ADDR:PORT` out of `swarm init`'s or `join-token`'s output. */
export function parseJoinCommand(text: string): {token: string; address: string} {
  const match = /docker swarm join\s+--token\s+(\S+)\s+(\S+:\d+)/.exec(text)
  if (!match) throw new Error(`swarm stand: no "docker swarm join --token T ADDR:PORT" in: ${text}`)
  return {token: match[1], address: match[2]}
}

export async function createSwarmStand(options: {nodes?: number} = {}): Promise<SwarmStand> {
  const count = options.nodes ?? 3
  if (!Number.isInteger(count) || count < 1 || count > 9) throw new Error(`swarm stand: nodes must be 1..9, not ${count}`)
  const tools = findTools()
  const release = await lockfile.lock(LOCK_FILE, {
    realpath: false,
    stale: 20_000,
    retries: {retries: 600, minTimeout: 1000, maxTimeout: 1000},
    onCompromised: (error) => console.error(`swarm stand: lock compromised: ${error.message}`),
  })
  let dir = ''
  let dns: dgram.Socket | undefined
  let tornDown: Promise<void> | undefined
  const nodes = Array.from({length: count}, (_, i) => standNode(i + 1))

  const teardown = () => {
    tornDown ??= (async () => {
      dns?.close()
      await removeStand(tools, dir ? [dir] : [])
      await release().catch(() => {})
    })()
    return tornDown
  }

  try {
    await removeStand(tools, []) // leftovers of a killed run
    dir = await mkdtemp(join(tmpdir(), 'discode-swarm-'))
    await mkdir(STATE_DIR, {recursive: true})
    await writeFile(join(STATE_DIR, 'testdir'), `${dir}\n`)
    await createNetwork(tools, count)
    await startRegistry(tools, dir)
    dns = await startDns()
    for (const node of nodes) await prepareDaemon(dir, node)
    for (const node of nodes) spawnDaemon(tools, dir, node)
    await Promise.all(
      nodes.map((node) =>
        until(`${node.name}'s dockerd did not answer (see ${dir}/${node.name}/dockerd.log)`, 60_000, () => daemonAnswers(node)),
      ),
    )
  } catch (error) {
    await teardown()
    throw error
  }

  const nodeDocker = (node: SwarmNode, args: string[], opts: {timeoutMs?: number} = {}) =>
    hostDocker(['-H', node.dockerHost, ...args], opts)

  return {
    nodes,
    registry: STAND_REGISTRY,
    docker: nodeDocker,
    loadImage: (node, image) => pipeImage(tools.docker, image, node),
    async joinWorkers(joinCommand) {
      const {token, address} = parseJoinCommand(joinCommand)
      for (const node of nodes.slice(1)) {
        await nodeDocker(
          node,
          ['swarm', 'join', '--token', token, '--advertise-addr', node.address, '--listen-addr', `${node.address}:2377`, address],
          {
            timeoutMs: 60_000,
          },
        )
      }
    },
    stopDaemon: (node) => stopDaemonAt(node.index),
    async startDaemon(node) {
      spawnDaemon(tools, dir, node)
      await until(`${node.name}'s dockerd did not answer again (see ${dir}/${node.name}/dockerd.log)`, 60_000, () => daemonAnswers(node))
    },
    async stopRegistry() {
      const pid = await readPid(join(STATE_DIR, 'registry.pid'))
      if (pid && (await alive(pid)) && (await isRegistry(pid))) await terminate(pid, 10_000)
      if (await registryAnswers()) throw new Error(`swarm stand: the registry on ${STAND_REGISTRY} still answers`)
    },
    startRegistry: async () => void (await startRegistry(tools, dir)),
    teardown,
  }
}

/** `docker save IMAGE | docker -H NODE load`, without a shell. */
function pipeImage(dockerBin: string, image: string, node: SwarmNode): Promise<void> {
  return new Promise((resolve, reject) => {
    const save = spawn(dockerBin, ['save', image], {stdio: ['ignore', 'pipe', 'pipe']})
    const load = spawn(dockerBin, ['-H', node.dockerHost, 'load', '--quiet'], {stdio: ['pipe', 'ignore', 'pipe']})
    let errors = ''
    save.stderr.on('data', (chunk) => (errors += chunk))
    load.stderr.on('data', (chunk) => (errors += chunk))
    save.stdout.pipe(load.stdin)
    const codes: (number | null)[] = []
    const done = (code: number | null) => {
      codes.push(code)
      if (codes.length < 2) return
      if (codes.every((one) => one === 0)) resolve()
      else reject(new Error(`swarm stand: docker save ${image} | docker -H ${node.dockerHost} load failed: ${errors.trim()}`))
    }
    save.on('error', reject).on('close', done)
    load.on('error', reject).on('close', done)
  })
}
