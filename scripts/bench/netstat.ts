/**
 * Listen-queue overflows inside app containers (TcpExt ListenOverflows of their network namespace, read
 * from the host's /proc/<pid>/net/netstat, so nothing runs inside the container). When more connections
 * arrive at once than an app's backlog holds, the kernel drops the SYN and the client (the proxy)
 * retries after 1 s: those requests take 1 s more, a p99 near 1 s that has nothing to do with discode.
 * The benchmark's keep-alive app should show none; the count proves it.
 */
import {readFileSync} from 'node:fs'

import {docker} from '../../test/support/images.js'

function overflowsOfPid(pid: number): number {
  try {
    const lines = readFileSync(`/proc/${pid}/net/netstat`, 'utf8').split('\n')
    for (let i = 0; i + 1 < lines.length; i += 2) {
      const names = lines[i].trim().split(/\s+/)
      const values = lines[i + 1].trim().split(/\s+/)
      if (names[0] !== 'TcpExt:') continue
      const at = names.indexOf('ListenOverflows')
      return at > 0 ? Number(values[at]) : 0
    }
  } catch {}
  return 0
}

/**
 * Sum of ListenOverflows over the running containers among `names` (missing or stopped ones count 0).
 * `dockerHost`: another engine whose containers share this machine's pid namespace (a swarm stand's node).
 */
export async function listenOverflows(names: string[], dockerHost?: string): Promise<number> {
  if (names.length === 0) return 0
  const {stdout} = await docker([...hostArgs(dockerHost), 'inspect', '--format', '{{.State.Pid}}', ...names]).catch(
    (error: {stdout?: string}) => ({
      stdout: error.stdout ?? '',
    }),
  )
  return stdout
    .split('\n')
    .map(Number)
    .filter((pid) => pid > 0)
    .reduce((sum, pid) => sum + overflowsOfPid(pid), 0)
}

const hostArgs = (dockerHost?: string) => (dockerHost ? ['-H', dockerHost] : [])

/** IDs of the running task containers of a cluster app's services (`APP-<key>`) on one node. */
export async function runningTaskContainers(app: string, dockerHost: string): Promise<string[]> {
  const {stdout} = await docker([
    ...hostArgs(dockerHost),
    ...['ps', '--filter', 'label=com.docker.swarm.service.name', '--filter', 'status=running'],
    ...['--format', '{{.ID}} {{.Label "com.docker.swarm.service.name"}}'],
  ])
  return stdout
    .split('\n')
    .map((line) => line.split(' '))
    .filter(([id, service]) => id && service?.startsWith(`${app}-`))
    .map(([id]) => id)
}

/** Names of the running containers of a discode app. */
export async function runningContainers(app: string): Promise<string[]> {
  const {stdout} = await docker(['ps', '--filter', `label=discode.app=${app}`, '--filter', 'status=running', '--format', '{{.Names}}'])
  return stdout.split('\n').filter(Boolean)
}
