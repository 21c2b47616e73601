/** `discode feed add` (vendor side): a release entry pinned by digest, added to a feed file. */
import {existsSync, readFileSync, writeFileSync} from 'node:fs'

import semver from 'semver'

import {splitReference} from '../docker/reference.js'
import {check} from '../recipes/issues.js'
import {FeedError, FeedSchema} from './feed.js'
import {fsReason} from './signature.js'

export interface NewRelease {
  version: string
  /** The image as pushed, `REPO:TAG` (or already `REPO@sha256:...`). */
  image: string
  /** Its manifest digest, `sha256:...`, as the registry reports it. */
  digest: string
  channel?: string
  notes?: string
}

/** `REPO:TAG` or `REPO@sha256:...` → `REPO@<digest>`. */
export function pinnedImage(image: string, digest: string): string {
  return `${splitReference(image).repository}@${digest}`
}

/**
 * The feed document with the release added (at the end), pinned by digest. Refuses a version that is
 * not semver or already listed, and a result the feed schema refuses. `published`/`expires` are kept:
 * the old signature no longer matches, so the feed must be signed again.
 */
export function withRelease(feed: Record<string, unknown>, release: NewRelease): Record<string, unknown> {
  const version = semver.valid(release.version)
  if (!version)
    throw new FeedError(`--version ${JSON.stringify(release.version)} is not semver`, {
      code: 'FEED_BAD_VERSION',
      hint: 'Give a version like 1.2.0',
    })
  const releases = Array.isArray(feed.releases) ? (feed.releases as {version?: unknown}[]) : []
  if (releases.some((entry) => typeof entry?.version === 'string' && semver.valid(entry.version) === version))
    throw new FeedError(`the feed already lists ${version}`, {
      code: 'FEED_VERSION_LISTED',
      hint: 'A published version never changes its image: release a new version instead',
    })
  const entry = {
    version,
    image: pinnedImage(release.image, release.digest),
    channel: release.channel ?? 'stable',
    ...(release.notes ? {notes: release.notes} : {}),
  }
  const next = {...feed, releases: [...releases, entry]}
  const result = check(FeedSchema, next)
  if (!result.ok) {
    const [first] = result.problems
    throw new FeedError(`the feed would be invalid: ${first.path ? `${first.path}: ` : ''}${first.message}`, {
      code: 'FEED_INVALID',
      hint: 'Fix the feed file first',
    })
  }
  return next
}

/** Reads the feed file (a missing one is an empty feed), adds the release, writes it back as 2-space JSON. */
export function addReleaseToFile(feedPath: string, release: NewRelease): {feedPath: string; entry: unknown} {
  let feed: Record<string, unknown> = {releases: []}
  if (existsSync(feedPath)) {
    try {
      feed = JSON.parse(readFileSync(feedPath, 'utf8')) as Record<string, unknown>
    } catch (error) {
      throw new FeedError(`cannot read the feed ${feedPath}: ${error instanceof SyntaxError ? error.message : fsReason(error)}`, {
        code: 'FEED_FILE_UNREADABLE',
        hint: 'Give the path of the feed JSON file',
        cause: error,
      })
    }
  }
  const next = withRelease(feed, release)
  writeFileSync(feedPath, `${JSON.stringify(next, null, 2)}\n`)
  return {feedPath, entry: (next.releases as unknown[]).at(-1)}
}
