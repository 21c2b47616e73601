import http from 'node:http'
import {setTimeout as sleep} from 'node:timers/promises'

import {type ContainerInspect, containerLogText, inspectContainer} from '../../docker/docker.js'
import {DiscodeError} from '../../errors.js'
import type {RecipeAccessory} from '../../recipes/schema.js'
import type {Engine} from '../context.js'
import {ACCESSORY_LABELS, healthLabel} from './spec.js'

/** How long an accessory may take to become healthy (a database's first start initialises its files). */
const HEALTH_TIMEOUT_MS = 90_000
const POLL_MS = 500
const PROBE_TIMEOUT_MS = 2000
const FAILURE_LOG_LINES = 20

export type AccessoryHealth = 'healthy' | 'unhealthy' | 'starting' | 'running'

/**
 * Waits until the accessory is healthy: its Docker HEALTHCHECK says so (`health.cmd`), an HTTP GET of
 * `health.path` on its port answers 2xx (`health.path`; from this host to the container's address on
 * the app network, so the image needs no HTTP client), or, without a health check, it runs.
 * Fails at once if the container exits or restarts. `accessory` undefined: the container's own labels.
 */
export async function waitHealthy(
  engine: Engine,
  who: {app: string; name: string; container: string},
  accessory: RecipeAccessory | undefined,
): Promise<void> {
  const {container} = who
  const deadline = Date.now() + HEALTH_TIMEOUT_MS
  const restarts = (await inspectContainer(engine.docker, container))?.RestartCount ?? 0
  for (;;) {
    const info = await inspectContainer(engine.docker, container)
    if (!info) throw await unhealthyError(engine, who, 'its container disappeared')
    const state = info.State
    if (!state.Running || state.Restarting) {
      throw await unhealthyError(engine, who, `it exited with code ${state.ExitCode}${state.Restarting ? ' and keeps restarting' : ''}`)
    }
    if ((info.RestartCount ?? 0) > restarts) throw await unhealthyError(engine, who, 'it exited and keeps restarting')
    const health = await healthOf(engine, info, accessory)
    if (health === 'healthy' || health === 'running') return
    if (health === 'unhealthy' && info.State.Health) {
      const last = info.State.Health.Log?.at(-1)?.Output?.trim().split('\n').pop()
      throw await unhealthyError(engine, who, `its health check fails${last ? `: ${last}` : ''}`)
    }
    if (Date.now() > deadline) throw await unhealthyError(engine, who, `not healthy within ${HEALTH_TIMEOUT_MS / 1000}s`)
    await sleep(POLL_MS)
  }
}

async function unhealthyError(engine: Engine, who: {app: string; name: string; container: string}, why: string): Promise<DiscodeError> {
  const logs = await containerLogText(engine.docker, who.container, {tail: FAILURE_LOG_LINES}).catch(() => '')
  const lines = logs.trim().split('\n').filter(Boolean)
  return new DiscodeError(`The accessory ${who.name} of ${who.app} did not become healthy: ${why}`, {
    hint:
      lines.length > 0
        ? `Last log lines of ${who.container}:\n${lines.map((l) => `  | ${l}`).join('\n')}`
        : `See "docker logs ${who.container}"`,
    code: 'ACCESSORY_UNHEALTHY',
  })
}

/** The health of a running accessory container, from its labels (or the given definition). */
export async function healthOf(engine: Engine, info: ContainerInspect, accessory?: RecipeAccessory): Promise<AccessoryHealth> {
  const label = accessory ? healthLabel(accessory) : (info.Config.Labels?.[ACCESSORY_LABELS.health] ?? 'none')
  if (label === 'cmd') {
    const status = info.State.Health?.Status
    return status === 'healthy' ? 'healthy' : status === 'unhealthy' ? 'unhealthy' : 'starting'
  }
  const http = /^http:(\d+)(\/.*)$/.exec(label)
  if (http) {
    const address = containerAddress(info, engine.settings.network)
    if (!address) return 'starting'
    return (await probe(address, Number(http[1]), http[2])) ? 'healthy' : 'starting'
  }
  return 'running'
}

function containerAddress(info: ContainerInspect, network: string): string | undefined {
  const networks = info.NetworkSettings?.Networks ?? {}
  const endpoint = networks[network] ?? Object.values(networks)[0]
  if (endpoint?.IPAddress) return endpoint.IPAddress
  return endpoint?.GlobalIPv6Address ? `[${endpoint.GlobalIPv6Address}]` : undefined
}

/** One HTTP GET; true on 2xx. */
function probe(address: string, port: number, path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(
      {host: address.replace(/^\[|\]$/g, ''), port, path, agent: false, headers: {'user-agent': 'discode'}, timeout: PROBE_TIMEOUT_MS},
      (response) => {
        response.resume()
        resolve((response.statusCode ?? 0) >= 200 && (response.statusCode ?? 0) < 300)
      },
    )
    request.on('timeout', () => request.destroy())
    request.on('error', () => resolve(false))
  })
}
