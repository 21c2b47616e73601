/**
 * Command builders for kamal-proxy's client, kept apart from the code that runs them (as Kamal does in
 * lib/kamal/commands/proxy.rb): each returns the argv to run inside the proxy container.
 * Flags beyond those that basecamp/kamal-proxy v0.8 and v0.9 both accept are sent only when the recipe
 * sets them (src/proxy/proxy-versions.ts says which version has each).
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
  /** The customer's own certificate: files inside the proxy container (src/proxy/certificates.ts). */
  tlsCertificatePath?: string
  tlsPrivateKeyPath?: string
  /** The recipe's optional routing options: each is sent only when set. */
  options?: RouteOptions
}

export interface RouteOptions {
  pathPrefix?: string
  stripPathPrefix?: boolean
  targetTimeout?: string
  bufferRequests?: boolean
  /** Bytes; the proxy only accepts it together with --buffer-requests. */
  maxRequestBody?: number
  bufferResponses?: boolean
  maxResponseBody?: number
  forwardHeaders?: boolean
}

/** `--name=value` for each option that is set, in a fixed order. */
function optionFlags(options: RouteOptions = {}): string[] {
  const flags: Array<[string, string | number | boolean | undefined]> = [
    ['path-prefix', options.pathPrefix],
    ['strip-path-prefix', options.stripPathPrefix],
    ['target-timeout', options.targetTimeout],
    ['buffer-requests', options.bufferRequests],
    ['max-request-body', options.maxRequestBody],
    ['buffer-responses', options.bufferResponses],
    ['max-response-body', options.maxResponseBody],
    ['forward-headers', options.forwardHeaders],
  ]
  return flags.filter(([, value]) => value !== undefined).map(([name, value]) => `--${name}=${value}`)
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
    ...(args.tlsCertificatePath && args.tlsPrivateKeyPath
      ? [`--tls-certificate-path=${args.tlsCertificatePath}`, `--tls-private-key-path=${args.tlsPrivateKeyPath}`]
      : []),
    ...optionFlags(args.options),
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
