/**
 * Preflight's decisions: each takes facts about the host (gathered in host-facts.ts) and the recipe's
 * requirements, and returns a verdict with a one-line hint. Pure, so each threshold is unit-tested.
 */
import semver from 'semver'

import {formatSize} from '../recipes/requirements.js'
import {type CheckResult, fail, pass, warn} from './check.js'

/** The oldest Docker Engine discode is tested with; older ones get a warning unless the recipe demands more. */
export const DEFAULT_DOCKER_RANGE = '>=20.10'
/** The kernel keeps some memory for itself: a "2 GB" machine reports a little less. */
const MEMORY_SLACK = 0.95
/** Below this share of free space (or this many bytes) Docker's disk counts as nearly full. */
const DISK_FAIL_SHARE = 0.05
const DISK_WARN_SHARE = 0.1
const DISK_FAIL_BYTES = 1024 ** 3
/** Clock skew tolerated before a warning, and before failing (signed feeds' dates, TLS). */
export const CLOCK_WARN_MS = 30_000
export const CLOCK_FAIL_MS = 5 * 60_000

export function checkDocker(reachable: boolean, error?: {message: string; hint?: string}): CheckResult {
  if (reachable) return pass('docker', 'Docker Engine answers')
  return fail('docker', error?.message ?? 'Docker is not reachable', error?.hint ?? 'Start Docker or set DOCKER_HOST')
}

export function checkDockerVersion(version: string | undefined, required?: string): CheckResult {
  const range = required ?? DEFAULT_DOCKER_RANGE
  // Docker wrote months with a leading zero (19.03), which semver refuses.
  const found = version ? semver.coerce(version.replace(/(^|\.)0+(\d)/g, '$1$2')) : null
  if (!found) return warn('docker-version', `Docker Engine version unknown (${version ?? 'not reported'})`, 'Check "docker version"')
  if (semver.satisfies(found, range)) return pass('docker-version', `Docker Engine ${version} (${range})`)
  const hint = 'Upgrade Docker Engine (https://docs.docker.com/engine/install/)'
  const detail = `Docker Engine ${version} is too old: ${required ? 'the recipe needs' : 'discode wants'} ${range}`
  return required ? fail('docker-version', detail, hint) : warn('docker-version', detail, hint)
}

export function checkMemory(totalBytes: number, required?: number): CheckResult {
  if (required === undefined || totalBytes >= required * MEMORY_SLACK)
    return pass('memory', `${formatSize(totalBytes)} of memory${required ? ` (needs ${formatSize(required)})` : ''}`)
  return fail(
    'memory',
    `The host has ${formatSize(totalBytes)} of memory; the recipe needs ${formatSize(required)}`,
    'Use a server with more memory (or give the VM more)',
  )
}

export function checkCpus(cpus: number, required?: number): CheckResult {
  if (required === undefined || cpus >= required) return pass('cpus', `${cpus} CPUs${required ? ` (needs ${required})` : ''}`)
  return fail('cpus', `The host has ${cpus} CPUs; the recipe needs ${required}`, 'Use a server with more CPUs')
}

/** Docker and Node name architectures differently (x86_64, aarch64, x64); images use these names. */
export function normalizeArch(arch: string): string {
  const names: Record<string, string> = {x86_64: 'amd64', x64: 'amd64', aarch64: 'arm64', armv7l: 'arm', ia32: '386', i686: '386'}
  return names[arch] ?? arch
}

export function checkArch(arch: string, supported?: readonly string[]): CheckResult {
  const name = normalizeArch(arch)
  if (!supported || supported.includes(name)) return pass('arch', `Architecture ${name}`)
  return fail(
    'arch',
    `The host is ${name}; the vendor's images are built for ${supported.join(', ')}`,
    'Use a server of a supported architecture',
  )
}

export interface DiskFacts {
  /** Where Docker keeps its data (docker info's DockerRootDir). */
  path: string
  free?: number
  total?: number
}

export function checkDisk(disk: DiskFacts, required?: number): CheckResult {
  const {path, free, total} = disk
  if (free === undefined || total === undefined)
    return warn(
      'disk',
      `Free space in ${path} could not be measured (Docker runs elsewhere?)`,
      `Check it on the Docker host with "df -h ${path}"`,
    )
  const detail = `${formatSize(free)} free of ${formatSize(total)} in ${path}`
  const hint = 'Free space: "docker system prune" removes unused images and stopped containers'
  if (required !== undefined && free < required) return fail('disk', `${detail}; the recipe needs ${formatSize(required)}`, hint)
  if (free < DISK_FAIL_BYTES || free / total < DISK_FAIL_SHARE) return fail('disk', `${detail}: nearly full`, hint)
  if (free / total < DISK_WARN_SHARE) return warn('disk', `${detail}: getting full`, hint)
  return pass('disk', detail)
}

/** Who holds a port: nobody, discode's own proxy, someone else, or unknown (Docker on another host). */
export type PortHolder = 'free' | 'proxy' | 'other' | 'unknown'

export function checkPort(id: string, address: string, holder: PortHolder, variable: string): CheckResult {
  if (holder === 'free') return pass(id, `${address} is free`)
  if (holder === 'proxy') return pass(id, `${address} is held by discode's proxy`)
  if (holder === 'unknown')
    return warn(id, `Could not tell whether ${address} is free (Docker runs on another host)`, `Check it on the Docker host`)
  return fail(id, `${address} is already taken by another program`, `Stop that program (see "ss -ltnp"), or set ${variable} to a free port`)
}

export type Probe = {ok: true; status: number; date?: string} | {ok: false; error: string}

/** Reachable means an HTTP answer of any status: a registry says 401 before credentials. */
export function checkReachable(id: string, what: string, url: string, probe: Probe): CheckResult {
  if (probe.ok) return pass(id, `${what} ${url} answers (HTTP ${probe.status})`)
  return warn(
    id,
    `${what} ${url} is unreachable: ${probe.error}`,
    'Check the network, DNS, proxy and firewall between this server and the vendor',
  )
}

/** Compares the local clock with a server's Date header (a second's resolution). */
export function checkClock(now: number, serverDate: string | undefined, source: string): CheckResult {
  const server = serverDate ? Date.parse(serverDate) : Number.NaN
  if (Number.isNaN(server))
    return warn('clock', `Could not compare the clock (no Date from ${source})`, 'Make sure NTP runs: "timedatectl status"')
  const skew = now - server
  const detail = `The clock is ${Math.round(Math.abs(skew) / 1000)}s ${skew > 0 ? 'ahead of' : 'behind'} ${source}`
  const hint = 'Synchronise the clock: "timedatectl set-ntp true" (signed feeds and TLS depend on it)'
  if (Math.abs(skew) > CLOCK_FAIL_MS) return fail('clock', detail, hint)
  if (Math.abs(skew) > CLOCK_WARN_MS) return warn('clock', detail, hint)
  return pass('clock', `The clock agrees with ${source}`)
}

/** What reading the feed gave: its releases (and whether its signature was checked), or the error. */
export type FeedOutcome =
  {ok: true; url: string; releases: number; signed: boolean} | {ok: false; url: string; code?: string; message: string; hint?: string}

/**
 * The feed check: it answers, parses, and verifies against the recipe's feedKey. Unreachable only
 * warns (as the registry does: a customer behind a mirror must not be blocked); a feed that install
 * would refuse (not a feed, a bad or missing signature, expired) fails. A URL that needs the
 * customer's inputs (a license key) cannot be read yet: said so, install reads and verifies it.
 */
export function checkFeed(outcome: FeedOutcome | undefined): CheckResult {
  if (!outcome) return pass('feed', "The release feed's URL comes from the app's inputs: discode install reads and verifies it")
  if (outcome.ok)
    return pass(
      'feed',
      `The release feed ${outcome.url} lists ${outcome.releases} release(s)${outcome.signed ? ", signed with the recipe's feedKey" : ''}`,
    )
  const network = outcome.code === 'FEED_UNREACHABLE' || outcome.code === 'FEED_TIMEOUT'
  const hint = outcome.hint ?? 'Tell the vendor'
  return network ? warn('feed', outcome.message, hint) : fail('feed', outcome.message, hint)
}
