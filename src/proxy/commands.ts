/**
 * Command builders for kamal-proxy's client, kept apart from the code that runs them (as Kamal does in
 * lib/kamal/commands/proxy.rb): each returns the argv to run inside the proxy container.
 * Only flags that basecamp/kamal-proxy v0.8 and v0.9 both accept are used.
 */

export interface DeployArgs {
  service: string
  target: string
  hosts: string[]
  healthCheckPath: string
  healthCheckInterval: string
  healthCheckTimeout: string
  deployTimeout: string
  drainTimeout: string
  tls: boolean
}

export function deployCommand(args: DeployArgs): string[] {
  return [
    'kamal-proxy',
    'deploy',
    args.service,
    `--target=${args.target}`,
    ...args.hosts.map((host) => `--host=${host}`),
    `--health-check-path=${args.healthCheckPath}`,
    `--health-check-interval=${args.healthCheckInterval}`,
    `--health-check-timeout=${args.healthCheckTimeout}`,
    `--deploy-timeout=${args.deployTimeout}`,
    `--drain-timeout=${args.drainTimeout}`,
    ...(args.tls ? ['--tls'] : []),
  ]
}

export function removeCommand(service: string): string[] {
  return ['kamal-proxy', 'remove', service]
}

export function pauseCommand(service: string, options: {drainTimeout: string; maxPause: string}): string[] {
  return ['kamal-proxy', 'pause', service, `--drain-timeout=${options.drainTimeout}`, `--max-pause=${options.maxPause}`]
}

export function resumeCommand(service: string): string[] {
  return ['kamal-proxy', 'resume', service]
}

export function listCommand(): string[] {
  return ['kamal-proxy', 'list']
}

/** Where the proxy keeps kamal-proxy.state; a volume here lets routes survive a recreate. */
export const PROXY_STATE_DIR = '/home/kamal-proxy/.config/kamal-proxy'

/** kamal-proxy rewrites this file after every change to its routes (its content is internal). */
export const PROXY_STATE_FILE = `${PROXY_STATE_DIR}/kamal-proxy.state`
