import {createHash} from 'node:crypto'

import type {ContainerInfo, ContainerSpec} from '../../docker/docker.js'
import type {RecipeAccessory} from '../../recipes/schema.js'
import {LABELS} from '../../names/names.js'
import {stopSettings, stopSourceLabel} from '../stop-policy.js'

/**
 * Accessories: the long-lived companions of an app (a database, a cache, a search engine). Each runs
 * as `<app>-<name>` on the app network, restart unless-stopped, with named volumes
 * `<app>-<name>-<volume>`. Docker labels hold what discode needs to know later: which accessory a
 * container is, a hash of its definition, and how to check its health. This file: names and specs.
 */

export const ACCESSORY_LABELS = {
  accessory: 'discode.accessory',
  /** Hash of the rendered definition the container was created from. */
  hash: 'discode.accessory-hash',
  /** `cmd` (a Docker HEALTHCHECK), `http:PORT/PATH` (probed by discode) or `none`. */
  health: 'discode.accessory-health',
} as const

/** The Docker HEALTHCHECK of a `health: {cmd}` accessory. Failures in the start period do not count. */
const HEALTHCHECK = {intervalMs: 2000, timeoutMs: 5000, retries: 3, startPeriodMs: 60_000, startIntervalMs: 500}

export function accessoryContainerName(app: string, name: string): string {
  return `${app}-${name}`
}

export function accessoryVolumeName(app: string, name: string, volume: string): string {
  return `${app}-${name}-${volume}`
}

/** Where the previous container waits while its replacement starts (restored if that one fails). */
export function previousName(app: string, name: string): string {
  return `${accessoryContainerName(app, name)}-previous`
}

/** Whether a listed container is the accessory `name` under the container name `named`. */
export function isAccessory(container: ContainerInfo, named: string, name: string): boolean {
  return container.Names.includes(`/${named}`) && container.Labels[ACCESSORY_LABELS.accessory] === name
}

/**
 * A hash of the rendered definition. Equal hashes mean the running container is what the recipe asks
 * for; a different one means the recipe (or an input or secret it uses) changed the accessory.
 */
export function accessoryHash(accessory: RecipeAccessory): string {
  const canonical = {
    image: accessory.image,
    port: accessory.port ?? null,
    env: Object.fromEntries(Object.entries(accessory.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    volumes: accessory.volumes.map((volume) => ({name: volume.name, path: volume.path})),
    command: accessory.command ?? null,
    health: accessory.health ?? null,
    // Only when set: accessories created before these keys existed keep their hash.
    ...(accessory.init ? {init: true} : {}),
    ...(stopChanged(accessory.stop) ? {stop: accessory.stop} : {}),
  }
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, 16)
}

/** A `stop` other than the old defaults (SIGTERM, 30s): accessories created with those keep their hash. */
function stopChanged(stop: RecipeAccessory['stop']): boolean {
  return stop !== undefined && ((stop.signal ?? 'SIGTERM') !== 'SIGTERM' || (stop.timeout ?? '30s') !== '30s')
}

export function healthLabel(accessory: RecipeAccessory): string {
  if (!accessory.health) return 'none'
  return 'cmd' in accessory.health ? 'cmd' : `http:${accessory.port}${accessory.health.path}`
}

export function accessorySpec(network: string, app: string, name: string, accessory: RecipeAccessory): ContainerSpec {
  return {
    name: accessoryContainerName(app, name),
    image: accessory.image,
    env: accessory.env,
    cmd: accessory.command,
    network,
    volumes: accessory.volumes.map((volume) => ({source: accessoryVolumeName(app, name, volume.name), target: volume.path})),
    restart: true,
    init: accessory.init,
    stop: stopSettings(accessory.stop, 'accessory'),
    // Never discode.version: an accessory belongs to no release.
    labels: {
      [LABELS.app]: app,
      [ACCESSORY_LABELS.accessory]: name,
      [ACCESSORY_LABELS.hash]: accessoryHash(accessory),
      [ACCESSORY_LABELS.health]: healthLabel(accessory),
      ...stopSourceLabel(stopSettings(accessory.stop, 'accessory')),
    },
    healthcheck: accessory.health && 'cmd' in accessory.health ? {test: accessory.health.cmd, ...HEALTHCHECK} : undefined,
  }
}
