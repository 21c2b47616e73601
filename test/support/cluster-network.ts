import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import type {World} from './discode.js'
import {eventually} from './http.js'
import type {SwarmNode, SwarmStand} from './swarm.js'

/**
 * Each cluster app on its own overlay (docs/cluster.md): helpers for cluster.test.ts that put an app
 * back where an older discode installed it (the shared overlay), and play the attacker from there.
 */

type OnManager = (args: string[]) => Promise<{stdout: string}>

/** The addresses of a service's running tasks on their overlay. */
export async function taskAddresses(onManager: OnManager, service: string): Promise<string[]> {
  const {stdout: ids} = await onManager(['service', 'ps', '-q', '--filter', 'desired-state=running', service])
  const {stdout} = await onManager([
    ...['inspect', ...ids.trim().split('\n')],
    ...['--format', '{{range .NetworksAttachments}}{{range .Addresses}}{{.}} {{end}}{{end}}'],
  ])
  return stdout
    .split(/\s+/)
    .filter(Boolean)
    .map((a) => a.split('/')[0])
}

/** The overlay network a service's tasks are on (Swarm names it by id). */
export async function serviceNetworkName(onManager: OnManager, service: string): Promise<string> {
  const {stdout: id} = await onManager([
    'service',
    'inspect',
    service,
    '--format',
    '{{range .Spec.TaskTemplate.Networks}}{{.Target}} {{end}}',
  ])
  const {stdout} = await onManager(['network', 'inspect', id.trim().split(' ')[0], '--format', '{{.Name}}'])
  return stdout.trim()
}

export async function containerNetworks(onManager: OnManager, container: string): Promise<string[]> {
  const {stdout} = await onManager(['inspect', container, '--format', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}'])
  return stdout.trim().split(' ').filter(Boolean).sort()
}

/**
 * The app as discode installed it before each app had its own overlay: its service and accessory on
 * the cluster's shared overlay, the proxy there only, no overlay of its own, the record saying so.
 */
export async function asOlderInstall(
  world: World,
  onManager: OnManager,
  app: {name: string; service: string; accessories: string[]; shared: string; own: string; proxy: string},
): Promise<void> {
  await onManager([
    ...['service', 'update', '--detach=false', '--quiet', '--update-parallelism', '0', '--update-monitor', '1s'],
    ...['--network-rm', app.own, '--network-add', app.shared, app.service],
  ])
  for (const accessory of app.accessories) {
    await onManager(['network', 'connect', '--alias', accessory, app.shared, accessory])
    await onManager(['network', 'disconnect', app.own, accessory])
  }
  await onManager(['network', 'disconnect', app.own, app.proxy])
  await eventually(() =>
    onManager(['network', 'rm', app.own]).then(
      () => true,
      () => undefined,
    ),
  )
  const file = join(world.home, 'apps', app.name, 'app.json')
  const record = JSON.parse(readFileSync(file, 'utf8'))
  writeFileSync(file, JSON.stringify({...record, cluster: {...record.cluster, network: app.shared}}), {mode: 0o600})
}

/**
 * A one-off task on `network` (on a worker) trying an HTTP request to each target: REACHED when
 * anything answered (even an error page), BLOCKED when the name did not resolve or no connection came.
 */
export async function tryFrom(
  stand: SwarmStand,
  manager: SwarmNode,
  network: string,
  targets: string[],
): Promise<Record<string, 'REACHED' | 'BLOCKED'>> {
  const name = `attacker-${Date.now()}`
  const script = targets
    .map(
      (t) =>
        `if timeout 3 wget -O - http://${t} 2>&1 | grep -qE 'HTTP/|written to stdout'; then echo "REACHED ${t}"; else echo "BLOCKED ${t}"; fi`,
    )
    .join('; ')
  await stand.docker(manager, [
    ...['service', 'create', '--detach', '--name', name, '--mode', 'replicated-job', '--network', network],
    ...['--constraint', 'node.role==worker', '--entrypoint', '/bin/sh', `${stand.registry}/discode-test/app:1.0.0`, '-c', script],
  ])
  try {
    const out = await eventually(
      async () => {
        const {stdout} = await stand.docker(manager, ['service', 'logs', '--raw', name])
        return targets.every((t) => stdout.includes(` ${t}\n`)) ? stdout : undefined
      },
      {timeoutMs: 60_000},
    )
    return Object.fromEntries([...out.matchAll(/^(REACHED|BLOCKED) (\S+)$/gm)].map((m) => [m[2], m[1] as 'REACHED' | 'BLOCKED']))
  } finally {
    await stand.docker(manager, ['service', 'rm', name]).catch(() => {})
  }
}
