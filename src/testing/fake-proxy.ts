/**
 * The kamal-proxy client as the fake Docker's `exec` in the proxy container answers it: a route table
 * (service → hosts, targets, state), `deploy` with a health-check verdict per target, `remove`,
 * `pause`, `resume`, `stop` and `list` in the real table format (ANSI codes included), with the real
 * proxy's one-line errors (see /work/shared/reference/kamal-proxy.md).
 */

export interface FakeRoute {
  service: string
  hosts: string[]
  path: string
  targets: string[]
  state: 'running' | 'paused' | 'stopped'
  tls: boolean
}

export interface ProxyResult {
  exitCode: number
  stdout: string
  stderr: string
}

/** What the proxy finds when it dials a target host: up or not, and which release it is. */
export type TargetLookup = (host: string) => {up: boolean; version?: string} | undefined

export class FakeKamalProxy {
  containerName = 'kamal-proxy'
  readonly routes = new Map<string, FakeRoute>()
  /** Every switch the proxy made, in order: the service and its new target. */
  readonly switches: {service: string; target: string}[] = []
  /** Targets (container or service name, or a release version) whose health check never passes. */
  private readonly failing = new Set<string>()

  constructor(private readonly lookup: TargetLookup) {}

  /** The deploy of a target matching this (a container name or a release version) fails its health check. */
  unhealthy(containerOrVersion: string): void {
    this.failing.add(containerOrVersion)
  }

  healthy(containerOrVersion: string): void {
    this.failing.delete(containerOrVersion)
  }

  /** The route's first target's host (the container the service sends users to). */
  live(service: string): string | undefined {
    return this.routes.get(service)?.targets[0]?.split(':')[0]
  }

  run(argv: string[]): ProxyResult {
    const [, command, service, ...rest] = argv
    const flags = parseFlags(rest)
    if (command === 'list' || command === 'ls') return ok(this.table())
    if (!service) return fail('service name is required')
    const route = this.routes.get(service)
    if (command === 'deploy') return this.deploy(service, flags)
    if (!route) return fail('service not found')
    if (command === 'remove' || command === 'rm') this.routes.delete(service)
    else if (command === 'pause') route.state = 'paused'
    else if (command === 'stop') route.state = 'stopped'
    else if (command === 'resume') route.state = 'running'
    else return fail(`unknown command "${command}" for "kamal-proxy"`)
    return ok('')
  }

  private deploy(service: string, flags: Map<string, string[]>): ProxyResult {
    const targets = flags.get('target') ?? []
    if (targets.length === 0) return fail('required flag(s) "target" not set')
    const hosts = flags.get('host') ?? []
    const others = [...this.routes.values()].filter((r) => r.service !== service)
    if (others.some((r) => r.hosts.some((h) => hosts.includes(h)) || (r.hosts.length === 0 && hosts.length === 0))) {
      return fail('host settings conflict with another service')
    }
    for (const target of targets) {
      const host = target.split(':')[0]
      const found = this.lookup(host)
      const healthy = found?.up && !this.failing.has(host) && !(found.version && this.failing.has(found.version))
      if (!healthy) return fail(`target failed to become healthy within configured timeout (${flags.get('deploy-timeout')?.[0] ?? '30s'})`)
    }
    const before = this.routes.get(service)
    this.routes.set(service, {
      service,
      hosts,
      path: flags.get('path-prefix')?.[0] ?? '/',
      targets,
      // A paused service stays paused through a deploy: `resume` releases the held requests.
      state: before?.state ?? 'running',
      tls: flags.has('tls') || flags.has('tls-certificate-path'),
    })
    this.switches.push({service, target: targets.join(',')})
    return ok('')
  }

  /** `kamal-proxy list`: an aligned table, sorted by service, always with ANSI colour codes. */
  private table(): string {
    const rows = [['Service', 'Host', 'Path', 'Target', 'State', 'TLS']]
    for (const r of [...this.routes.values()].sort((a, b) => a.service.localeCompare(b.service))) {
      rows.push([r.service, r.hosts.join(',') || '*', r.path, r.targets.join(','), r.state, r.tls ? 'yes' : 'no'])
    }
    const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)))
    return rows
      .map((row, r) => {
        const style = r === 0 ? '3' : '0'
        return `${row.map((cell, i) => `\u001b[${i === 0 && r > 0 ? '1' : style}m${cell}\u001b[0m${' '.repeat(widths[i] - cell.length)}  `).join('')}\n`
      })
      .join('')
  }
}

function parseFlags(args: string[]): Map<string, string[]> {
  const flags = new Map<string, string[]>()
  for (const arg of args) {
    const match = /^--([^=]+)(?:=(.*))?$/.exec(arg)
    if (!match) continue
    flags.set(match[1], [...(flags.get(match[1]) ?? []), match[2] ?? 'true'])
  }
  return flags
}

const ok = (stdout: string): ProxyResult => ({exitCode: 0, stdout, stderr: ''})
const fail = (message: string): ProxyResult => ({exitCode: 1, stdout: '', stderr: `Error: ${message}\n`})
