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

/** Sum of ListenOverflows over the running containers among `names` (missing or stopped ones count 0). */
export async function listenOverflows(names: string[]): Promise<number> {
  if (names.length === 0) return 0
  const {stdout} = await docker(['inspect', '--format', '{{.State.Pid}}', ...names]).catch((error: {stdout?: string}) => ({
    stdout: error.stdout ?? '',
  }))
  return stdout
    .split('\n')
    .map(Number)
    .filter((pid) => pid > 0)
    .reduce((sum, pid) => sum + overflowsOfPid(pid), 0)
}

/** Names of the running containers of a discode app. */
export async function runningContainers(app: string): Promise<string[]> {
  const {stdout} = await docker(['ps', '--filter', `label=discode.app=${app}`, '--filter', 'status=running', '--format', '{{.Names}}'])
  return stdout.split('\n').filter(Boolean)
}
