/**
 * How busy the whole machine was during a phase (from /proc/stat), and how much of that was this
 * benchmark's own process: the benchmark shares 2 cores with whatever else runs, so the report says
 * how much else there was.
 */
import {readFileSync} from 'node:fs'
import os from 'node:os'

export interface CpuMark {
  at: number
  /** CPU time of the watched container (ns), NaN when unknown. */
  container: number
  /** Jiffies from /proc/stat's first line (all cores): busy and total. */
  busy: number
  total: number
  /** This process's CPU time (µs). */
  self: number
  loadavg: number
}

export interface CpuUse {
  /** Share of all cores used by the proxy container, 0-100. */
  proxyPercent: number
  /** Share of all cores busy, 0-100. */
  machinePercent: number
  /** Share of all cores used by the benchmark process itself (load generator, feed server), 0-100. */
  benchPercent: number
  /** 1-minute load average at the end of the phase. */
  loadavg: number
}

/**
 * CPU time of a container (ns) from its cgroup: cgroup v1 cpuacct, else v2 cpu.stat. `parent`: the engine's
 * cgroup parent (`docker` by default; a swarm stand's node runs its containers under `swarmN`).
 */
export function containerCpuNs(id: string | undefined, parent = 'docker'): number {
  if (!id) return Number.NaN
  try {
    return Number(readFileSync(`/sys/fs/cgroup/cpuacct/${parent}/${id}/cpuacct.usage`, 'utf8'))
  } catch {}
  for (const dir of [`/sys/fs/cgroup/system.slice/docker-${id}.scope`, `/sys/fs/cgroup/${parent}/${id}`]) {
    try {
      const usec = /usage_usec (\d+)/.exec(readFileSync(`${dir}/cpu.stat`, 'utf8'))?.[1]
      if (usec) return Number(usec) * 1000
    } catch {}
  }
  return Number.NaN
}

export function cpuMark(containerId?: string, parent?: string): CpuMark {
  let busy = 0
  let total = 0
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
    // user nice system idle iowait irq softirq steal ...
    total = fields.slice(0, 8).reduce((a, b) => a + b, 0)
    busy = total - fields[3] - (fields[4] ?? 0)
  } catch {}
  const usage = process.cpuUsage()
  return {
    at: performance.now(),
    container: containerCpuNs(containerId, parent),
    busy,
    total,
    self: usage.user + usage.system,
    loadavg: os.loadavg()[0],
  }
}

export function cpuUse(from: CpuMark, to: CpuMark): CpuUse {
  const cores = os.cpus().length || 1
  const wallUs = (to.at - from.at) * 1000
  return {
    proxyPercent: wallUs > 0 ? (100 * (to.container - from.container)) / 1000 / (wallUs * cores) : Number.NaN,
    machinePercent: to.total > from.total ? (100 * (to.busy - from.busy)) / (to.total - from.total) : Number.NaN,
    benchPercent: wallUs > 0 ? (100 * (to.self - from.self)) / (wallUs * cores) : Number.NaN,
    loadavg: to.loadavg,
  }
}
