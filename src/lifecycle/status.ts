import {type ContainerInfo, inspectContainer, listContainers} from '../docker/docker.js'
import {recordedFeedWarning} from '../feed/trust-note.js'
import {proxyFacts, type ProxyFacts} from '../proxy/container.js'
import type {ProxyRoute} from '../proxy/list.js'
import {ownershipNote} from '../proxy/ownership.js'
import {Journal} from '../state/journal.js'
import type {AppRecord, ReleaseRecord} from '../state/store.js'
import {type AccessoryStatus, accessoryStatuses} from './accessories/status.js'
import {type Engine, silentReporter} from './context.js'
import {LABELS, notInstalledError} from '../names/names.js'
import type {ClusterAppStatus} from './release-runtime.js'
import {type StopReport, stopReport} from './stop-policy.js'
import {type ProcessStatus, processProblems} from './processes/status.js'

// `status` is the command people run most, so it loads only what a report needs: the repair of an
// interrupted run and the feed check (recipes, feeds, templates) are imported when they are needed.

export interface AppStatus {
  app: string
  recipe: string
  version: string
  container: string
  /** Docker's state of the container: running, exited, missing, ... */
  state: string
  /** serving: running and the proxy routes to it; otherwise what is wrong. */
  health: 'serving' | 'not-routed' | 'paused' | 'stopped' | 'missing' | 'proxy-down' | 'proxy-off-network'
  route?: {hosts: string[]; targets: string[]; state: string; tls: boolean}
  previous: string[]
  update?: {available?: string; error?: string}
  /** The recipe's accessories (and any left from an older recipe) with their health. */
  accessories: AccessoryStatus[]
  /** A cluster app's replicas: wanted, running, and how many on each node. */
  cluster?: ClusterAppStatus
  /** How the serving container stops: signal, its source (recipe or image) and timeout in seconds. */
  stop?: StopReport
  /** The app's feed is not signed and on another host (src/feed/trust.ts). */
  feedWarning?: string
  /** The serving release's processes (recipe `processes`) and their replicas. */
  processes?: ProcessStatus[]
}

/** The installed apps as Docker and the proxy see them; with `checkUpdates`, each feed is read too. */
export async function status(engine: Engine, options: {app?: string; checkUpdates: boolean}): Promise<AppStatus[]> {
  const apps = options.app ? [options.app] : engine.store.apps()
  const interrupted = apps.filter((app) => new Journal(engine.store.appDir(app)).interrupted())
  if (interrupted.length > 0) {
    const {recoverIfInterrupted} = await import('./reconcile.js')
    for (const app of interrupted) await recoverIfInterrupted(engine, app)
  }
  if (apps.length === 0) return []
  // Docker's answers are on their way while the records are read.
  const seen = Promise.all([listContainers(engine.docker, [LABELS.app]), proxyRoutes(engine)])
  seen.catch(() => {}) // awaited below; a Docker error meanwhile is not an unhandled one
  const records = (await Promise.all(apps.map((app) => engine.store.read(app)))).filter((r): r is AppRecord & {current: ReleaseRecord} =>
    Boolean(r?.current),
  )
  if (records.length === 0) {
    if (options.app) throw notInstalledError(options.app)
    return []
  }

  const runtimes = await Promise.all(records.map((record) => engine.runtimeFor(record)))
  const [containers, {routes, facts}] = await seen
  warnAboutProxy(engine, routes, facts)
  const reports = await Promise.all(
    records.map(async (record, i) => {
      const current = record.current
      const container = containers.find((c) => c.Names.includes(`/${current.container}`))
      const route = routes?.find((r) => r.service === record.app)
      const serving = route?.targets.some((t) => t.split(':')[0] === current.container) ?? false
      const processes = await runtimes[i].processes.statuses(
        engine,
        record.app,
        current,
        containers.filter((c) => c.Labels[LABELS.app] === record.app),
      )
      const {state, replicas: cluster} = await runtimes[i].serving(engine, record, {containers})
      const result: AppStatus = {
        app: record.app,
        recipe: record.recipe.ref,
        version: current.version,
        container: current.container,
        state,
        health: !routes
          ? 'proxy-down'
          : healthOf(state, serving, route?.state, proxyOffAppNetwork(runtimes[i].proxyNetwork, container, facts)),
        route: route && {hosts: route.hosts, targets: route.targets, state: route.state, tls: route.tls},
        previous: record.previous.map((r) => r.version),
        accessories: await accessoryStatuses(engine, record, containers),
        ...(cluster ? {cluster} : {}),
        ...(container ? {stop: await containerStop(engine, current.container)} : {}),
        ...(await feedReport(engine, record, options.checkUpdates)),
        ...(processes.length > 0 ? {processes} : {}),
      }
      return result
    }),
  )
  warnAboutApps(engine, reports)
  return reports
}

/** What status says under its table: unsigned feeds, apps the proxy cannot reach, or does not route to. */
function warnAboutApps(engine: Engine, reports: AppStatus[]): void {
  for (const report of reports) if (report.feedWarning) engine.reporter.warn(report.feedWarning)
  for (const report of reports) for (const problem of processProblems(report.app, report.processes ?? [])) engine.reporter.warn(problem)
  for (const report of reports.filter((r) => r.health === 'proxy-off-network')) {
    engine.reporter.warn(
      `The proxy ${engine.proxy.containerName} is not on the network of ${report.app}, so it cannot reach it: "discode proxy boot" (or the next update) attaches it`,
    )
  }
  for (const report of reports.filter((r) => r.health === 'not-routed')) {
    engine.reporter.warn(
      `${report.app} runs, but the proxy does not route to it: "discode update ${report.app} --to ${report.version}" routes it again`,
    )
  }
}

async function containerStop(engine: Engine, container: string): Promise<StopReport | undefined> {
  const info = await inspectContainer(engine.docker, container)
  return info && stopReport(info.Config, 'web')
}

/** The available update (when the feed is read) and what is wrong with how the feed is trusted. */
async function feedReport(engine: Engine, record: AppRecord, checkUpdates: boolean): Promise<Pick<AppStatus, 'update' | 'feedWarning'>> {
  if (!checkUpdates) {
    const warning = recordedFeedWarning(record.app, record.feedTrust)
    return warning ? {feedWarning: warning} : {}
  }
  // Quietly: status is a report, not a sequence of steps.
  const {checkUpdate} = await import('./check.js')
  return checkUpdate({...engine, reporter: silentReporter}, record.app).then(
    (check) => ({update: {available: check.available?.version}, ...(check.feedWarning ? {feedWarning: check.feedWarning} : {})}),
    (error: Error) => ({update: {error: error.message}}),
  )
}

/**
 * The proxy reaches a cluster app over the cluster's overlay, an app on one host over the app's own
 * network (an older install: the shared one): off-network when it shares none with the container.
 */
function proxyOffAppNetwork(overlay: string | undefined, container: ContainerInfo | undefined, facts: ProxyFacts | undefined): boolean {
  if (!facts) return false
  if (overlay) return !facts.networks.includes(overlay)
  return Boolean(container) && !Object.keys(container!.NetworkSettings?.Networks ?? {}).some((n) => facts.networks.includes(n))
}

function healthOf(state: string, serving: boolean, routeState: string | undefined, offNetwork: boolean): AppStatus['health'] {
  if (state === 'missing') return 'missing'
  if (state !== 'running') return 'stopped'
  if (offNetwork) return 'proxy-off-network'
  if (!serving) return 'not-routed'
  return routeState === 'running' ? 'serving' : 'paused'
}

/** The proxy's routes (undefined when the proxy is not running), its ownership and networks. */
async function proxyRoutes(engine: Engine): Promise<{routes?: ProxyRoute[]; facts?: ProxyFacts}> {
  const {info, routes} = await engine.proxy.inspectWithRoutes()
  return {routes, facts: info && proxyFacts(info, engine.settings.network)}
}

/**
 * A report does not repair: it says what is wrong with the proxy, and the next update (or proxy
 * boot) fixes it. Being off an app's network is said per app (proxy-off-network).
 */
function warnAboutProxy(engine: Engine, routes: ProxyRoute[] | undefined, facts: Awaited<ReturnType<typeof proxyRoutes>>['facts']): void {
  if (!routes)
    engine.reporter.warn(
      `The proxy ${engine.proxy.containerName} is not running, so no app is reachable: start it with "discode proxy boot" (its routes come back)`,
    )
  if (facts && !facts.ownership.owned) engine.reporter.info(`Proxy ${engine.proxy.containerName}: ${ownershipNote(facts.ownership)}`)
}
