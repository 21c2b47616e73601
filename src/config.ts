import {homedir} from 'node:os'
import {join} from 'node:path'

import {DiscodeError} from './errors.js'

/** Settings users change through the environment (see the contract's "Environment" table). */
export interface Settings {
  home: string
  network: string
  proxyImage: string
  proxyContainer: string
  proxyHttpPort: number
  proxyHttpsPort: number
  proxyBind?: string
  /** DISCODE_CLUSTER_PROBE_IMAGE: the image (with sh, httpd, wget, timeout) of a cluster's encryption probe. */
  clusterProbeImage?: string
}

export const DEFAULT_PROXY_IMAGE = 'basecamp/kamal-proxy:v0.9.2'

/** Read at call time, so every command (and every test process) sees its own environment. */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env, defaultHome?: string): Settings {
  return {
    home: env.DISCODE_HOME || defaultHome || join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'discode'),
    network: env.DISCODE_NETWORK || 'discode',
    proxyImage: env.DISCODE_PROXY_IMAGE || DEFAULT_PROXY_IMAGE,
    // Not in the contract's table: lets a second discode (e.g. the test suite) keep clear of a real one.
    proxyContainer: env.DISCODE_PROXY_CONTAINER || 'kamal-proxy',
    proxyHttpPort: port(env.DISCODE_PROXY_HTTP_PORT, 80, 'DISCODE_PROXY_HTTP_PORT'),
    proxyHttpsPort: port(env.DISCODE_PROXY_HTTPS_PORT, 443, 'DISCODE_PROXY_HTTPS_PORT'),
    proxyBind: env.DISCODE_PROXY_BIND || undefined,
    clusterProbeImage: env.DISCODE_CLUSTER_PROBE_IMAGE || undefined,
  }
}

function port(value: string | undefined, fallback: number, name: string): number {
  if (!value) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 65_535)
    throw new DiscodeError(`${name}=${value} is not a port number`, {hint: 'Use a number from 1 to 65535', code: 'BAD_ENV'})
  return n
}
