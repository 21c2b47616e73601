/**
 * `discode doctor`: everything that can be wrong on a running host, each problem with its fix.
 * Reads only (no lock taken, nothing repaired: see doctor-fix.ts). The verdicts are doctor-rules.ts.
 */
import {containerLogText, type ContainerInfo, inspectContainer, listContainers} from '../docker/docker.js'
import {DiscodeError} from '../errors.js'
import {accessoryStatuses} from '../lifecycle/accessories/status.js'
import {type Engine, silentReporter} from '../lifecycle/context.js'
import {LABELS, notInstalledError} from '../names/names.js'
import type {ProxyRoute} from '../proxy/list.js'
import {Journal} from '../state/journal.js'
import type {AppRecord, ReleaseRecord} from '../state/store.js'
import type {DockerInfo} from './docker-api.js'
import {dockerInfo} from './docker-api.js'
import {
  accessoryProblem,
  processProblem,
  appContainerProblem,
  checkProblem,
  feedProblem,
  unsignedFeedProblem,
  journalProblem,
  lockProblem,
  type Problem,
  proxyProblem,
  routeProblem,
  clusterNetworkProblem,
  clusterReplicasProblem,
} from './doctor-rules.js'
import {diskFacts, probeUrl} from './host-facts.js'
import {lockFacts} from './lock-facts.js'
import {checkClock, checkDisk, checkDockerVersion} from './preflight-rules.js'

export interface DoctorReport {
  ok: boolean
  apps: string[]
  problems: Problem[]
}

/** Lines of a failing container's log shown with its problem. */
const LOG_LINES = 20

export async function diagnose(engine: Engine, options: {app?: string} = {}): Promise<DoctorReport> {
  const apps = options.app ? [options.app] : engine.store.apps()
  const records = (await Promise.all(apps.map((app) => engine.store.read(app)))).filter((r): r is AppRecord => Boolean(r))
  if (options.app && !records[0]) throw notInstalledError(options.app)
  // Journals and locks are files: they are checked even when Docker is not there.
  const problems: Problem[] = records.flatMap((record) =>
    [
      journalProblem(record.app, new Journal(engine.store.appDir(record.app)).interrupted()),
      lockProblem(record.app, lockFacts(engine.settings.home, record.app)),
    ].filter((p): p is Problem => Boolean(p)),
  )
  let info: DockerInfo
  try {
    info = await dockerInfo(engine.docker)
  } catch (error) {
    const reason = error as DiscodeError
    problems.unshift({id: 'docker-unreachable', message: reason.message, fix: reason.hint ?? 'Start Docker or set DOCKER_HOST'})
    return report(records, problems)
  }
  const hostChecks = [checkDockerVersion(info.ServerVersion), checkDisk(await diskFacts(info.DockerRootDir ?? '/var/lib/docker'))]
  problems.push(...hostChecks.map(checkProblem).filter((p): p is Problem => Boolean(p)))
  const routes = await proxyRoutes(
    engine,
    problems,
    records.some((r) => r.current),
  )
  const containers = await listContainers(engine.docker, [LABELS.app])
  let clockChecked = false
  for (const record of records.filter((r) => r.current)) {
    problems.push(...(await appProblems(engine, record as AppRecord & {current: ReleaseRecord}, routes, containers)))
    const feed = await feedProblems(engine, record, !clockChecked)
    clockChecked ||= feed.clockChecked
    problems.push(...feed.problems)
  }
  return report(records, problems)
}

function report(records: AppRecord[], problems: Problem[]): DoctorReport {
  return {ok: problems.length === 0, apps: records.map((r) => r.app), problems}
}

/** The proxy's problem if any, and its routes when it runs (undefined when they cannot be known). */
async function proxyRoutes(engine: Engine, problems: Problem[], appsInstalled: boolean): Promise<ProxyRoute[] | undefined> {
  const name = engine.settings.proxyContainer
  const info = await inspectContainer(engine.docker, name)
  const facts = {
    exists: Boolean(info),
    running: Boolean(info?.State.Running),
    restarting: Boolean(info?.State.Restarting),
    image: info?.Config.Image,
  }
  const problem = proxyProblem(facts, name, engine.settings.proxyImage)
  // No proxy before the first install is as it should be.
  if (problem && (appsInstalled || problem.id !== 'proxy-missing')) problems.push(problem)
  if (!facts.running || facts.restarting) return undefined
  try {
    return await engine.proxy.routes()
  } catch (error) {
    problems.push({id: 'proxy-unanswering', message: `The proxy does not answer: ${(error as Error).message}`, fix: 'discode proxy reboot'})
    return undefined
  }
}

/** The serving release (a container, or a cluster's service), its route and its accessories. */
async function appProblems(
  engine: Engine,
  record: AppRecord & {current: ReleaseRecord},
  routes: ProxyRoute[] | undefined,
  containers: ContainerInfo[],
): Promise<Problem[]> {
  const {app, current} = record
  const runtime = await engine.runtimeFor(record)
  const {replicas} = await runtime.serving(engine, record, {containers})
  // A release with replicas is judged by them; a container by its state, restarts and log.
  const release = replicas
    ? {problem: clusterReplicasProblem(app, replicas), running: replicas.running > 0}
    : await containerProblem(engine, record)
  const problems = [release.problem, replicas?.network && clusterNetworkProblem(app, replicas.network)]
  if (routes) {
    const routed = routes.some((r) => r.service === app && r.targets.some((t) => t.split(':')[0] === current.container))
    problems.push(routeProblem(app, current.version, release.running, routed))
  }
  for (const accessory of await accessoryStatuses(engine, record, containers)) problems.push(accessoryProblem(app, accessory))
  const own = containers.filter((c) => c.Labels[LABELS.app] === app)
  for (const process of await runtime.processes.statuses(engine, app, current, own)) problems.push(processProblem(app, process))
  return problems.filter((p): p is Problem => Boolean(p))
}

async function containerProblem(engine: Engine, {app, current}: AppRecord & {current: ReleaseRecord}) {
  const info = await inspectContainer(engine.docker, current.container)
  const facts = {
    state: info ? (info.State.Restarting ? 'restarting' : info.State.Status) : 'missing',
    restartCount: info?.RestartCount ?? 0,
    exitCode: info?.State.ExitCode,
    startedAt: info?.State.StartedAt,
  }
  const logs = info ? (await containerLogText(engine.docker, current.container, {tail: LOG_LINES})).split('\n').filter(Boolean) : []
  return {problem: appContainerProblem(app, current.container, facts, Date.now(), logs), running: facts.state === 'running'}
}

/** The feed reads and verifies (as an update would, recording nothing); the clock agrees with its server. */
async function feedProblems(
  engine: Engine,
  record: AppRecord,
  checkTheClock: boolean,
): Promise<{problems: Problem[]; clockChecked: boolean}> {
  const [{checkUpdate}, {loadInstalledRecipe, feedFor}] = await Promise.all([
    import('../lifecycle/check.js'),
    import('../recipes/installed.js'),
  ])
  const problems: Problem[] = []
  try {
    const {feedWarning} = await checkUpdate({...engine, reporter: silentReporter}, record.app)
    if (feedWarning) problems.push(unsignedFeedProblem(record.app, feedWarning))
  } catch (error) {
    const reason = error as DiscodeError
    problems.push(feedProblem(record.app, {code: reason.code, message: reason.message, hint: reason.hint}))
  }
  if (!checkTheClock) return {problems, clockChecked: false}
  try {
    const url = feedFor(
      record.app,
      loadInstalledRecipe(engine.recipeRoots, record).raw,
      record.inputs,
      await engine.store.readSecrets(record.app),
    ).url
    const probe = await probeUrl(url)
    if (!probe.ok || !probe.date) return {problems, clockChecked: false}
    const clock = checkProblem(checkClock(Date.now(), probe.date, 'the feed server'))
    return {problems: clock ? [...problems, clock] : problems, clockChecked: true}
  } catch {
    return {problems, clockChecked: false} // the recipe cannot be loaded: the feed problem above says so
  }
}
