/**
 * The upgrade path: which releases an update passes through, in order. Pure: it reads a feed and
 * versions, nothing else, so every rule of `required` and `minimumFrom` is unit-tested here.
 *
 * - A release marked `required: true` between the running version and the target is a stop on the
 *   way (every update from below it passes through it).
 * - A release with `minimumFrom: M` can only be reached from M or above: from anything older the
 *   path first goes to the newest eligible release at or above M (itself reached the same way).
 * - Only releases of the target's channel count (prereleases only when asked for or when the target
 *   is one): a required beta does not bind stable customers.
 * - Moving down (`--to` an older release) is one hop: the rules speak of updates from below.
 */
import semver from 'semver'

import {type ChooseReleaseOptions, chooseRelease, type Feed, type Release} from '../feed/feed.js'

export interface PathProblem {
  code: 'RELEASE_NOT_IN_FEED' | 'NO_PATH'
  message: string
  hint: string
}

export interface UpgradePath {
  from: string
  /** The release the path ends at; undefined when up to date. */
  target?: Release
  /** Ordered releases to deploy, the target last; empty when up to date or blocked. */
  hops: Release[]
  /** Why the path cannot be taken (nothing may run then). */
  problem?: PathProblem
}

export type PlanPathOptions = Omit<ChooseReleaseOptions, 'current'>

/** The ordered hops from `from` to `to` (or to the newest eligible release). Throws only on a bad `--to`. */
export function planPath(feed: Pick<Feed, 'releases'>, from: string, options: PlanPathOptions = {}): UpgradePath {
  const target = chooseRelease(feed, {...options, current: from})
  if (!target || semver.eq(target.version, from)) return {from, hops: []}
  if (semver.lt(target.version, from)) return {from, target, hops: [target]}

  const includePrerelease = Boolean(options.includePrerelease) || semver.prerelease(target.version) !== null
  const candidates = feed.releases
    .filter((release) => release.channel === target.channel)
    .filter((release) => includePrerelease || semver.prerelease(release.version) === null)
    .filter((release) => semver.gt(release.version, from) && semver.lte(release.version, target.version))
    .sort((a, b) => semver.compare(a.version, b.version))

  // Required releases below the target split the way into segments, each resolved for minimumFrom.
  const stops = [...candidates.filter((release) => release.required && release !== target), target]
  const hops: Release[] = []
  let at = from
  for (const stop of stops) {
    const segment = reach(candidates, at, stop)
    if ('problem' in segment) return {from, target, hops: [], problem: segment.problem}
    hops.push(...segment.hops)
    at = stop.version
  }
  return {from, target, hops}
}

/** The hops from version `at` to `stop`, honouring each release's minimumFrom (newest stepping stone first). */
function reach(candidates: Release[], at: string, stop: Release): {hops: Release[]} | {problem: PathProblem} {
  const minimum = stop.minimumFrom
  if (minimum === undefined || semver.gte(at, minimum)) return {hops: [stop]}
  const stone = candidates
    .filter((release) => semver.gte(release.version, minimum) && semver.lt(release.version, stop.version) && semver.gt(release.version, at))
    .at(-1)
  if (!stone)
    return {
      problem: {
        code: 'RELEASE_NOT_IN_FEED',
        message: `${stop.version} can only be reached from ${minimum} or newer, and the feed lists no release from ${minimum} below ${stop.version} to pass through`,
        hint: `The vendor removed a release this update must pass through; ask them to publish it again (or update to an older release with --to)`,
      },
    }
  const before = reach(candidates, at, stone)
  if ('problem' in before) return before
  return {hops: [...before.hops, stop]}
}

/** The newest release a policy allows from `current`: patch keeps major.minor, minor keeps the major. */
export function newestAllowed(
  feed: Pick<Feed, 'releases'>,
  current: string,
  policy: 'patch' | 'minor' | 'major',
  channel = 'stable',
): Release | undefined {
  const allowed = feed.releases.filter(
    (release) =>
      release.channel === channel &&
      semver.prerelease(release.version) === null &&
      semver.gt(release.version, current) &&
      (policy === 'major' ||
        (semver.major(release.version) === semver.major(current) &&
          (policy === 'minor' || semver.minor(release.version) === semver.minor(current)))),
  )
  return allowed.sort((a, b) => semver.rcompare(a.version, b.version))[0]
}
