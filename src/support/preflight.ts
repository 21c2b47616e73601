/**
 * Preflight: can this host run the recipe? Gathers the facts (Docker, memory, CPUs, architecture,
 * disk where Docker keeps its data, the proxy's ports, the vendor's registry and feed, the clock)
 * and judges each with preflight-rules.ts. Reads only: no network, container, volume or file is made.
 */
import {arch, cpus, totalmem} from 'node:os'

import {inspectContainer} from '../docker/docker.js'
import {registryUrl} from '../docker/reference.js'
import {DiscodeError} from '../errors.js'
import type {Engine} from '../lifecycle/context.js'
import {parseSize} from '../recipes/requirements.js'
import {hasTemplate, type RawRecipe} from '../recipes/schema.js'
import type {CheckResult} from './check.js'
import {type DockerInfo, dockerInfo} from './docker-api.js'
import {displayUrl, fetchFeed} from '../feed/feed.js'
import {fetchSignedFeed} from '../feed/verify.js'
import {feedProbeUrl} from './endpoints.js'
import {diskFacts, portHolder, probeUrl} from './host-facts.js'
import {
  checkArch,
  checkClock,
  checkFeed,
  checkCpus,
  checkDisk,
  checkDocker,
  checkDockerVersion,
  checkMemory,
  checkPort,
  checkReachable,
  type FeedOutcome,
} from './preflight-rules.js'

export interface PreflightReport {
  recipe: string
  ok: boolean
  checks: CheckResult[]
}

/** Where Docker keeps its data when `docker info` cannot say. */
const DEFAULT_DOCKER_ROOT = '/var/lib/docker'

export async function preflight(engine: Engine, recipe: RawRecipe): Promise<PreflightReport> {
  const required = recipe.requirements ?? {}
  let info: DockerInfo | undefined
  let dockerFailure: DiscodeError | undefined
  try {
    info = await dockerInfo(engine.docker)
  } catch (error) {
    dockerFailure = error instanceof DiscodeError ? error : new DiscodeError(String(error))
  }
  const proxy = info ? await inspectContainer(engine.docker, engine.settings.proxyContainer) : undefined
  const {proxyBind, proxyHttpPort, proxyHttpsPort} = engine.settings
  const [disk, httpHolder, httpsHolder, network] = await Promise.all([
    diskFacts(info?.DockerRootDir ?? DEFAULT_DOCKER_ROOT),
    portHolder(proxyHttpPort, proxyBind, proxy),
    portHolder(proxyHttpsPort, proxyBind, proxy),
    vendorChecks(recipe),
  ])
  const address = (port: number) => `${proxyBind ?? '*'}:${port}`
  const checks: CheckResult[] = [
    checkDocker(Boolean(info), dockerFailure && {message: dockerFailure.message, hint: dockerFailure.hint}),
    ...(info ? [checkDockerVersion(info.ServerVersion, required.docker)] : []),
    // Docker's view first: with DOCKER_HOST elsewhere, that host is the one that matters.
    checkMemory(info?.MemTotal ?? totalmem(), sizeOf(required.memory)),
    checkCpus(info?.NCPU ?? cpus().length, required.cpus),
    checkArch(info?.Architecture ?? arch(), required.arch),
    checkDisk(disk, sizeOf(required.disk)),
    checkPort('port-http', address(proxyHttpPort), httpHolder, 'DISCODE_PROXY_HTTP_PORT'),
    checkPort('port-https', address(proxyHttpsPort), httpsHolder, 'DISCODE_PROXY_HTTPS_PORT'),
    ...network,
  ]
  return {recipe: recipe.name, ok: checks.every((c) => c.status !== 'fail'), checks}
}

function sizeOf(text: string | undefined): number | undefined {
  return text === undefined ? undefined : parseSize(text)
}

/** The registry answers; the feed answers, parses and verifies; the clock agrees with theirs. */
async function vendorChecks(recipe: RawRecipe): Promise<CheckResult[]> {
  const registry = registryUrl(recipe.image)
  const feed = feedProbeUrl(recipe.feed)
  const [registryProbe, feedProbe, feedOutcome] = await Promise.all([
    registry && probeUrl(registry),
    feed && probeUrl(feed),
    readFeed(recipe),
  ])
  const checks: CheckResult[] = []
  if (registry && registryProbe) checks.push(checkReachable('registry', 'The image registry', registry, registryProbe))
  // A URL only the customer's inputs complete: its server answering is what can be known.
  if (!feedOutcome && feed && feedProbe) checks.push(checkReachable('feed', 'The release feed', feed, feedProbe))
  else checks.push(checkFeed(feedOutcome))
  const dated = [feedProbe, registryProbe].find((p) => p && p.ok && p.date)
  if (dated && dated.ok) checks.push(checkClock(Date.now(), dated.date, dated === feedProbe ? 'the feed server' : 'the registry'))
  else checks.push(checkClock(Date.now(), undefined, 'the vendor'))
  return checks
}

/**
 * The feed as install reads it (its signature checked with feedKey), or undefined when its URL or key
 * comes from the customer's inputs: those are only known at install, which then checks it.
 */
async function readFeed(recipe: RawRecipe): Promise<FeedOutcome | undefined> {
  const url = hasTemplate(recipe.feed) ? undefined : recipe.feed
  const key = recipe.feedKey
  if (!url || (key !== undefined && hasTemplate(key))) return undefined
  const shown = displayUrl(url)
  try {
    const {feed} = key ? await fetchSignedFeed(url, key, {timeoutMs: 5000}) : await fetchFeed(url, {timeoutMs: 5000})
    return {ok: true, url: shown, releases: feed.releases.length, signed: Boolean(key)}
  } catch (error) {
    const {code, message, hint} = error as DiscodeError
    return {ok: false, url: shown, code, message, hint}
  }
}

/**
 * The error that stops an install: the first failed check (its own words, so "Docker is not
 * reachable" reads the same as from any other command), how many more failed, and the way past it.
 */
export function preflightError(report: PreflightReport): DiscodeError {
  const failed = report.checks.filter((c) => c.status === 'fail')
  const [first, ...more] = failed
  const also = more.length > 0 ? ` (and ${more.map((c) => c.id).join(', ')})` : ''
  return new DiscodeError(`${first.detail}${also}`, {
    // A feed install would refuse is refused by install too: skipping the check would not help.
    hint: `${first.hint ?? ''}${first.hint ? '. ' : ''}Nothing was changed${first.id === 'feed' ? '' : '; --skip-preflight installs anyway'}`,
    code: first.id === 'docker' ? 'DOCKER_UNAVAILABLE' : 'PREFLIGHT_FAILED',
  })
}
