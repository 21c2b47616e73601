import {createHash} from 'node:crypto'
import http from 'node:http'
import {setTimeout as sleep} from 'node:timers/promises'

import {
  type ContainerInfo,
  type ContainerInspect,
  type ContainerSpec,
  containerLogText,
  containerName,
  createContainer,
  ensureVolume,
  inspectContainer,
  inspectImage,
  listContainers,
  pullImage,
  registryOf,
  removeContainer,
  renameContainer,
  startContainer,
  stopContainer,
} from '../docker/docker.js'
import {DiscodeError} from '../errors.js'
import type {Recipe, RecipeAccessory} from '../recipes/schema.js'
import type {AppRecord} from '../state/store.js'
import {type Engine, step, type Timings} from './context.js'
import {LABELS} from './names.js'

/**
 * Accessories: the long-lived companions of an app (a database, a cache, a search engine). Each runs
 * as `<app>-<name>` on the app network, restart unless-stopped, with named volumes
 * `<app>-<name>-<volume>`. They start before the app and are waited for until healthy; an app update
 * never touches a running one unless its rendered definition changed, and then only when the user
 * says so (`discode update APP --accessories`). Docker labels hold what discode needs to know later:
 * which accessory a container is, a hash of its definition, and how to check its health.
 */

export const ACCESSORY_LABELS = {
  accessory: 'discode.accessory',
  /** Hash of the rendered definition the container was created from. */
  hash: 'discode.accessory-hash',
  /** `cmd` (a Docker HEALTHCHECK), `http:PORT/PATH` (probed by discode) or `none`. */
  health: 'discode.accessory-health',
} as const

/** How long an accessory may take to become healthy (a database's first start initialises its files). */
const HEALTH_TIMEOUT_MS = 90_000
const POLL_MS = 500
/** A database must be given time to flush on stop; Docker's default of 10 s is short for some. */
const STOP_TIMEOUT_SECONDS = 30
const PROBE_TIMEOUT_MS = 2000
const FAILURE_LOG_LINES = 20
/** The Docker HEALTHCHECK of a `health: {cmd}` accessory. Failures in the start period do not count. */
const HEALTHCHECK = {intervalMs: 2000, timeoutMs: 5000, retries: 3, startPeriodMs: 60_000, startIntervalMs: 500}

export function accessoryContainerName(app: string, name: string): string {
  return `${app}-${name}`
}

export function accessoryVolumeName(app: string, name: string, volume: string): string {
  return `${app}-${name}-${volume}`
}

/** Where the previous container waits while its replacement starts (restored if that one fails). */
function previousName(app: string, name: string): string {
  return `${accessoryContainerName(app, name)}-previous`
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
  }
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, 16)
}

function healthLabel(accessory: RecipeAccessory): string {
  if (!accessory.health) return 'none'
  return 'cmd' in accessory.health ? 'cmd' : `http:${accessory.port}${accessory.health.path}`
}

function accessorySpec(engine: Engine, app: string, name: string, accessory: RecipeAccessory): ContainerSpec {
  return {
    name: accessoryContainerName(app, name),
    image: accessory.image,
    env: accessory.env,
    cmd: accessory.command,
    network: engine.settings.network,
    volumes: accessory.volumes.map((volume) => ({source: accessoryVolumeName(app, name, volume.name), target: volume.path})),
    restart: true,
    // Never discode.version: an accessory belongs to no release.
    labels: {
      [LABELS.app]: app,
      [ACCESSORY_LABELS.accessory]: name,
      [ACCESSORY_LABELS.hash]: accessoryHash(accessory),
      [ACCESSORY_LABELS.health]: healthLabel(accessory),
    },
    healthcheck: accessory.health && 'cmd' in accessory.health ? {test: accessory.health.cmd, ...HEALTHCHECK} : undefined,
  }
}

export interface AccessoryReport {
  name: string
  container: string
  image: string
  /**
   * unchanged: left alone; started: an existing stopped container was started; created: it did not
   * exist; replaced: its definition changed and --accessories was given; removed: no longer in the
   * recipe and --accessories was given.
   */
  action: 'unchanged' | 'started' | 'created' | 'replaced' | 'removed'
  /** For `replaced`: milliseconds from stopping the old container until the new one was healthy. */
  downtimeMs?: number
}

export class AccessoryChangedError extends DiscodeError {}

interface Planned {
  name: string
  accessory: RecipeAccessory
  container: string
  action: 'keep' | 'start' | 'create' | 'replace'
  current?: ContainerInfo
}

/**
 * Brings the app's accessories to what the rendered recipe says, before the app (re)starts:
 * a missing one is created, a stopped one started, each waited for until healthy. A running one whose
 * definition changed is replaced only with `replace` (stop, start the new one on the same volumes,
 * wait healthy; the old container is restored if the new one fails); without it nothing is touched
 * and the error says how to go on. Images are pulled before anything is stopped.
 */
export async function ensureAccessories(
  engine: Engine,
  timings: Timings,
  app: string,
  recipe: Recipe,
  options: {replace: boolean; credentials?: {username: string; password: string}},
): Promise<AccessoryReport[]> {
  const declared = Object.entries(recipe.accessories)
  const existing = await listContainers(engine.docker, [`${LABELS.app}=${app}`, ACCESSORY_LABELS.accessory])
  if (declared.length === 0 && existing.length === 0) return []

  const plan = await step(engine, timings, 'accessories', `Checking the accessories of ${app}`, async () => {
    const planned: Planned[] = []
    for (const [name, accessory] of declared) planned.push(await planAccessory(engine, app, name, accessory, existing))
    const changed = planned.filter((p) => p.action === 'replace')
    if (changed.length > 0 && !options.replace) throw accessoryChangedError(app, changed)
    for (const p of planned) {
      if ((p.action === 'create' || p.action === 'replace') && !(await inspectImage(engine.docker, p.accessory.image))) {
        engine.reporter.info(`Pulling ${p.accessory.image} for the accessory ${p.name}`)
        // The app's registry credentials go to that registry only (never, say, to Docker Hub).
        const registry = registryOf(p.accessory.image)
        const auth =
          options.credentials && registry === registryOf(recipe.image) ? {...options.credentials, serveraddress: registry} : undefined
        await pullImage(engine.docker, p.accessory.image, {
          auth,
          onProgress: (progress) => engine.reporter.pullProgress(p.accessory.image, progress),
        })
      }
    }
    return planned
  })

  const reports: AccessoryReport[] = []
  for (const p of plan) reports.push(await applyAccessory(engine, timings, app, p))

  // Accessories the recipe no longer has: their data may matter, so only --accessories removes them.
  const orphans = existing.filter((c) => !Object.hasOwn(recipe.accessories, c.Labels[ACCESSORY_LABELS.accessory]))
  for (const orphan of orphans) {
    const name = orphan.Labels[ACCESSORY_LABELS.accessory]
    const container = containerName(orphan)
    if (!options.replace) {
      if (container === accessoryContainerName(app, name)) {
        engine.reporter.warn(
          `The accessory ${name} (${container}) is no longer in the recipe; it is left running. "discode update ${app} --accessories" removes it (its volumes are kept)`,
        )
      }
      continue
    }
    await step(engine, timings, 'accessories', `Removing ${container}, no longer in the recipe (its volumes are kept)`, async () => {
      await stopContainer(engine.docker, container, STOP_TIMEOUT_SECONDS)
      await removeContainer(engine.docker, container)
    })
    if (container === accessoryContainerName(app, name)) reports.push({name, container, image: orphan.Image, action: 'removed'})
  }
  return reports
}

async function planAccessory(
  engine: Engine,
  app: string,
  name: string,
  accessory: RecipeAccessory,
  existing: ContainerInfo[],
): Promise<Planned> {
  const container = accessoryContainerName(app, name)
  const ours = (c: ContainerInfo, named: string) => containerName(c) === named && c.Labels[ACCESSORY_LABELS.accessory] === name
  let current = existing.find((c) => ours(c, container))
  const previous = existing.find((c) => ours(c, previousName(app, name)))
  if (!current && previous) {
    // A replacement died before its new container existed: the previous one is the last good one.
    engine.reporter.warn(`Restoring ${container} from ${previousName(app, name)}, left by an interrupted replacement`)
    await renameContainer(engine.docker, previousName(app, name), container)
    current = {...previous, Names: [`/${container}`]}
  }
  if (!current) {
    const other = await inspectContainer(engine.docker, container)
    if (other) {
      throw new DiscodeError(`A container named ${container} exists but is not the accessory ${name} of ${app}`, {
        hint: `Rename or remove it ("docker rm -f ${container}") and run the command again`,
        code: 'NAME_TAKEN',
      })
    }
    return {name, accessory, container, action: 'create'}
  }
  if (current.Labels[ACCESSORY_LABELS.hash] !== accessoryHash(accessory)) return {name, accessory, container, action: 'replace', current}
  return {name, accessory, container, action: current.State === 'running' ? 'keep' : 'start', current}
}

function accessoryChangedError(app: string, changed: Planned[]): AccessoryChangedError {
  const names = changed.map((p) => p.name).join(', ')
  const plural = changed.length > 1
  const what = changed
    .map((p) => {
      const change =
        p.current?.Image === p.accessory.image
          ? 'env, volumes, command, port or health changed'
          : `image ${p.current?.Image} → ${p.accessory.image}`
      return plural ? `${p.name}: ${change}` : change
    })
    .join('; ')
  return new AccessoryChangedError(
    `The recipe changes the accessor${plural ? 'ies' : 'y'} ${names} of ${app} (${what}): nothing was changed`,
    {
      hint: `An update never replaces a running accessory on its own. Run "discode update ${app} --accessories" to replace ${plural ? 'them' : 'it'}: ${plural ? 'each is' : 'it is'} stopped, started again from the new definition on the same volumes, and down until healthy`,
      code: 'ACCESSORY_CHANGED',
    },
  )
}

async function applyAccessory(engine: Engine, timings: Timings, app: string, p: Planned): Promise<AccessoryReport> {
  const report = (action: AccessoryReport['action'], downtimeMs?: number): AccessoryReport => ({
    name: p.name,
    container: p.container,
    image: p.accessory.image,
    action,
    ...(downtimeMs === undefined ? {} : {downtimeMs}),
  })
  const stale = previousName(app, p.name)
  switch (p.action) {
    case 'keep': {
      await removeContainer(engine.docker, stale)
      return report('unchanged')
    }
    case 'start': {
      await step(engine, timings, 'accessories', `Starting ${p.container} and waiting until it is healthy`, async () => {
        await startContainer(engine.docker, p.container)
        await waitHealthy(engine, app, p.name, p.container, p.accessory)
        await removeContainer(engine.docker, stale)
      })
      return report('started')
    }
    case 'create': {
      await step(engine, timings, 'accessories', `Starting ${p.container} (${p.accessory.image}) and waiting until it is healthy`, () =>
        createAndWait(engine, app, p),
      )
      return report('created')
    }
    case 'replace': {
      let downtimeMs = 0
      await step(
        engine,
        timings,
        'accessories',
        `Replacing ${p.container} (${p.accessory.image}): stopping it, then waiting until the new one is healthy`,
        async () => {
          const started = performance.now()
          await stopContainer(engine.docker, p.container, STOP_TIMEOUT_SECONDS)
          await removeContainer(engine.docker, stale)
          await renameContainer(engine.docker, p.container, stale)
          try {
            await createAndWait(engine, app, p)
          } catch (error) {
            await restorePrevious(engine, app, p, stale)
            const reason = error instanceof Error ? error.message : String(error)
            throw new DiscodeError(`${reason}; the previous ${p.container} runs again`, {
              hint: (error as DiscodeError).hint,
              code: 'ACCESSORY_UNHEALTHY',
              cause: error,
            })
          }
          downtimeMs = Math.round(performance.now() - started)
          await removeContainer(engine.docker, stale)
        },
      )
      return report('replaced', downtimeMs)
    }
  }
}

async function createAndWait(engine: Engine, app: string, p: Planned): Promise<void> {
  for (const volume of p.accessory.volumes) {
    await ensureVolume(engine.docker, accessoryVolumeName(app, p.name, volume.name), {
      [LABELS.app]: app,
      [ACCESSORY_LABELS.accessory]: p.name,
    })
  }
  // A container of this name here is a leftover of an interrupted run (a running one was renamed).
  await removeContainer(engine.docker, p.container)
  await createContainer(engine.docker, accessorySpec(engine, app, p.name, p.accessory))
  await startContainer(engine.docker, p.container)
  await waitHealthy(engine, app, p.name, p.container, p.accessory)
}

/** The replacement failed: its logs were kept for the error; the previous container comes back. */
async function restorePrevious(engine: Engine, app: string, p: Planned, stale: string): Promise<void> {
  await stopContainer(engine.docker, p.container, STOP_TIMEOUT_SECONDS).catch(() => {})
  await removeContainer(engine.docker, p.container)
  await renameContainer(engine.docker, stale, p.container)
  await startContainer(engine.docker, p.container)
  await waitHealthy(engine, app, p.name, p.container, p.accessory, {definition: 'previous'}).catch((error: Error) =>
    engine.reporter.warn(`The previous ${p.container} was started again but is not healthy yet: ${error.message}`),
  )
}

/**
 * Waits until the accessory is healthy: its Docker HEALTHCHECK says so (`health.cmd`), an HTTP GET of
 * `health.path` on its port answers 2xx (`health.path`; from this host to the container's address on
 * the app network, so the image needs no HTTP client), or, without a health check, it runs.
 * Fails at once if the container exits or restarts.
 */
async function waitHealthy(
  engine: Engine,
  app: string,
  name: string,
  container: string,
  accessory: RecipeAccessory,
  options: {definition?: 'previous'} = {},
): Promise<void> {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS
  const restarts = (await inspectContainer(engine.docker, container))?.RestartCount ?? 0
  const fail = async (why: string) => {
    const logs = await containerLogText(engine.docker, container, {tail: FAILURE_LOG_LINES}).catch(() => '')
    const lines = logs.trim().split('\n').filter(Boolean)
    return new DiscodeError(`The accessory ${name} of ${app} did not become healthy: ${why}`, {
      hint:
        lines.length > 0 ? `Last log lines of ${container}:\n${lines.map((l) => `  | ${l}`).join('\n')}` : `See "docker logs ${container}"`,
      code: 'ACCESSORY_UNHEALTHY',
    })
  }
  for (;;) {
    const info = await inspectContainer(engine.docker, container)
    if (!info) throw await fail('its container disappeared')
    const state = info.State
    if (!state.Running || state.Restarting)
      throw await fail(`it exited with code ${state.ExitCode}${state.Restarting ? ' and keeps restarting' : ''}`)
    if ((info.RestartCount ?? 0) > restarts) throw await fail('it exited and keeps restarting')
    // The previous definition's health check is the one on the restored container's labels.
    const health = await healthOf(engine, info, options.definition === 'previous' ? undefined : accessory)
    if (health === 'healthy' || health === 'running') return
    if (health === 'unhealthy' && info.State.Health) {
      const last = info.State.Health.Log?.at(-1)?.Output?.trim().split('\n').pop()
      throw await fail(`its health check fails${last ? `: ${last}` : ''}`)
    }
    if (Date.now() > deadline) throw await fail(`not healthy within ${HEALTH_TIMEOUT_MS / 1000}s`)
    await sleep(POLL_MS)
  }
}

type AccessoryHealth = 'healthy' | 'unhealthy' | 'starting' | 'running'

/** The health of a running accessory container, from its labels (or the given definition). */
async function healthOf(engine: Engine, info: ContainerInspect, accessory?: RecipeAccessory): Promise<AccessoryHealth> {
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

// ---------------------------------------------------------------------------------------------------
// status and uninstall

export interface AccessoryStatus {
  name: string
  container: string
  image?: string
  /** Docker's state: running, exited, ... or missing. */
  state: string
  health: 'healthy' | 'unhealthy' | 'starting' | 'running' | 'stopped' | 'missing'
}

/**
 * The app's accessories with their health: those its recipe had at the last deploy (kept in the
 * record, so a report never has to load a recipe) and any container Docker still has for it.
 * `containers` are the app's containers as listed by the caller (one listing serves many apps).
 */
export async function accessoryStatuses(engine: Engine, record: AppRecord, appContainers: ContainerInfo[]): Promise<AccessoryStatus[]> {
  const app = record.app
  const containers = appContainers.filter(
    (c) =>
      c.Labels[LABELS.app] === app &&
      c.Labels[ACCESSORY_LABELS.accessory] &&
      containerName(c) === accessoryContainerName(app, c.Labels[ACCESSORY_LABELS.accessory]),
  )
  const names = [...new Set([...(record.accessories ?? []), ...containers.map((c) => c.Labels[ACCESSORY_LABELS.accessory])])].sort()
  return Promise.all(
    names.map(async (name): Promise<AccessoryStatus> => {
      const container = containers.find((c) => c.Labels[ACCESSORY_LABELS.accessory] === name)
      const containerName = accessoryContainerName(app, name)
      if (!container) return {name, container: containerName, state: 'missing', health: 'missing'}
      if (container.State !== 'running')
        return {name, container: containerName, image: container.Image, state: container.State, health: 'stopped'}
      const info = await inspectContainer(engine.docker, containerName)
      const health = info ? await healthOf(engine, info) : 'starting'
      // A path check that does not answer on a running container is a failing one.
      return {
        name,
        container: containerName,
        image: container.Image,
        state: container.State,
        health: health === 'starting' && !info?.State.Health ? 'unhealthy' : health,
      }
    }),
  )
}

/** `db healthy, cache running` for a table cell; `-` without accessories. */
export function accessorySummary(statuses: AccessoryStatus[]): string {
  return statuses.length === 0 ? '-' : statuses.map((s) => `${s.name} ${s.health}`).join(', ')
}

/** Gives accessory containers (databases) time to shut down cleanly before they are removed. */
export async function stopAccessories(engine: Engine, containers: ContainerInfo[]): Promise<void> {
  for (const container of containers) {
    if (container.Labels[ACCESSORY_LABELS.accessory] && container.State === 'running') {
      await stopContainer(engine.docker, containerName(container), STOP_TIMEOUT_SECONDS)
    }
  }
}

/** One line per accessory that was acted on, for the command's output. */
export function describeAccessories(reports: AccessoryReport[] | undefined): string[] {
  return (reports ?? []).flatMap((r) => {
    switch (r.action) {
      case 'created':
        return [`Started the accessory ${r.name} (${r.container}, ${r.image})`]
      case 'started':
        return [`Started the stopped accessory ${r.name} (${r.container})`]
      case 'replaced':
        return [`Replaced the accessory ${r.name} (${r.container}, now ${r.image}): down for ${((r.downtimeMs ?? 0) / 1000).toFixed(1)} s`]
      case 'removed':
        return [`Removed the accessory ${r.name} (${r.container}), no longer in the recipe; its volumes are kept`]
      default:
        return []
    }
  })
}
