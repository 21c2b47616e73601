/**
 * The release feed: a JSON document the vendor publishes over HTTP(S) listing the releases of an app.
 * Fetching is bounded (time and size) and every failure is one line naming the URL, never its
 * credentials. Releases are ordered by semver, never by their position in the feed.
 */
import semver from 'semver'
import {z} from 'zod'
import {DiscodeError} from '../errors.js'
import {check, describeValue} from '../recipes/issues.js'

const NAME_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
const DOMAIN =
  '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?'
/** Docker reference grammar: `[registry[:port]/]path[:tag][@sha256:<64 hex>]`. */
const IMAGE_REFERENCE = new RegExp(
  `^(?:${DOMAIN}/)?${NAME_COMPONENT}(?:/${NAME_COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`,
)
const DIGEST = /@sha256:[a-f0-9]{64}$/

export function isPinnedByDigest(image: string): boolean {
  return DIGEST.test(image)
}

const ReleaseSchema = z.object({
  version: z
    .string()
    .refine((version) => semver.valid(version) !== null, {error: (issue) => `${describeValue(issue.input)} is not semver`})
    // `v1.2.3` is accepted and kept as `1.2.3`, the form used in labels and messages.
    .transform((version) => semver.valid(version)!),
  image: z.string().regex(IMAGE_REFERENCE, {
    error: (issue) => `${describeValue(issue.input)} is not an image reference (repo:tag or repo@sha256:<digest>)`,
  }),
  channel: z.string().min(1).default('stable'),
  notes: z.string().optional(),
  /** No update from below this release may skip it (see src/updates/path.ts). */
  required: z.boolean().default(false),
  /** An update from a release older than this must first reach one at or above it. */
  minimumFrom: z
    .string()
    .refine((version) => semver.valid(version) !== null, {error: (issue) => `${describeValue(issue.input)} is not semver`})
    .transform((version) => semver.valid(version)!)
    .optional(),
  /** The older releases that run on this release's data (a semver range): a rollback to them keeps the data. */
  rollbackTo: z
    .string()
    .refine((range) => semver.validRange(range) !== null, {error: (issue) => `${describeValue(issue.input)} is not a semver range`})
    .optional(),
})

const isoDate = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), {error: (issue) => `${describeValue(issue.input)} is not an ISO 8601 date`})

export const FeedSchema = z
  .looseObject({
    releases: z.array(ReleaseSchema),
    published: isoDate.optional(),
    expires: isoDate.optional(),
  })
  .superRefine((feed, context) => {
    // Two entries with one version would make the choice between their images arbitrary.
    const seen = new Set<string>()
    feed.releases?.forEach((release, index) => {
      const version = typeof release?.version === 'string' ? semver.parse(release.version)?.version : undefined
      if (version === undefined) return
      if (seen.has(version)) context.addIssue({code: 'custom', path: ['releases', index, 'version'], message: `${version} is listed twice`})
      seen.add(version)
      // A release that must be updated to from an equal or newer one could never be reached.
      const minimum = typeof release.minimumFrom === 'string' ? semver.valid(release.minimumFrom) : null
      if (minimum !== null && !semver.lt(minimum, version))
        context.addIssue({
          code: 'custom',
          path: ['releases', index, 'minimumFrom'],
          message: `${minimum} is not below the release's own version ${version}`,
        })
    })
  })

export type Feed = z.output<typeof FeedSchema>
export type Release = Feed['releases'][number]

export class FeedError extends DiscodeError {}

export interface FetchFeedOptions {
  timeoutMs?: number
  maxBytes?: number
  fetchImpl?: typeof fetch
}

const NETWORK_HINT = "Check the network or the recipe's feed URL"
const UNREACHABLE_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
}

/** Fetches and validates the feed; `raw` is the exact bytes received (signatures are over them). */
export async function fetchFeed(url: string, options: FetchFeedOptions = {}): Promise<{feed: Feed; raw: Buffer}> {
  const raw = await fetchFeedBytes(url, options)
  return {feed: parseFeed(raw, url), raw}
}

/** The exact bytes at `url`, with fetchFeed's limits and errors, not parsed (a signature is checked first). */
export async function fetchFeedBytes(url: string, options: FetchFeedOptions = {}): Promise<Buffer> {
  const {timeoutMs = 10_000, maxBytes = 1024 * 1024, fetchImpl = fetch} = options
  const {target, shown, authorization} = splitCredentials(url)
  const signal = AbortSignal.timeout(timeoutMs)
  const fail = (reason: string, code: string, hint?: string, cause?: unknown) =>
    new FeedError(`feed ${shown} ${reason}`, {code, hint, cause})

  let raw: Buffer
  try {
    const headers: Record<string, string> = {accept: 'application/json'}
    if (authorization) headers.authorization = authorization
    const response = await fetchImpl(target, {signal, headers, redirect: 'follow'})
    if (!response.ok) {
      await response.body?.cancel().catch(() => {})
      throw fail(
        `answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
        'FEED_HTTP_STATUS',
        statusHint(response.status),
      )
    }
    raw = await readBody(response, maxBytes, () =>
      fail(
        `is larger than ${formatBytes(maxBytes)}`,
        'FEED_TOO_LARGE',
        'A release feed lists releases only; ask the vendor to check what this URL serves',
      ),
    )
  } catch (error) {
    if (error instanceof FeedError) throw error
    if (signal.aborted) throw fail(`did not answer within ${formatDuration(timeoutMs)}`, 'FEED_TIMEOUT', NETWORK_HINT, error)
    throw fail(`is unreachable: ${networkReason(error)}`, 'FEED_UNREACHABLE', NETWORK_HINT, error)
  }
  return raw
}

/** Parses and validates the bytes of the feed at `url` (named in errors without its credentials). */
export function parseFeed(raw: Buffer, url: string): Feed {
  const {shown} = splitCredentials(url)
  const fail = (reason: string, code: string, hint?: string, cause?: unknown) =>
    new FeedError(`feed ${shown} ${reason}`, {code, hint, cause})
  let data: unknown
  try {
    data = JSON.parse(new TextDecoder().decode(raw))
  } catch (error) {
    throw fail(
      `is not JSON (${(error as Error).message})`,
      'FEED_NOT_JSON',
      'The feed must be a JSON document with a "releases" list',
      error,
    )
  }

  const result = check(FeedSchema, data)
  if (!result.ok) {
    const [first] = result.problems
    const more = result.problems.length > 1 ? ` (and ${result.problems.length - 1} more problems)` : ''
    throw new FeedError(`feed ${shown}: ${first.path ? `${first.path}: ` : ''}${first.message}${more}`, {
      code: 'FEED_INVALID',
      hint: 'The feed is malformed; tell its vendor',
    })
  }
  return result.value
}

/**
 * Credentials in a URL (`https://user:pass@host/`) are sent as a Basic authorization header, since
 * fetch refuses such URLs, and are never shown in messages.
 */
/**
 * The feed URL as messages show it: no credentials and no query string, which may carry a license
 * key or a token (a recipe may template secrets into the feed URL).
 */
export function displayUrl(url: string): string {
  if (!URL.canParse(url)) return '(invalid URL)'
  const parsed = new URL(url)
  return `${parsed.origin}${parsed.pathname}`
}

function splitCredentials(url: string): {target: string; shown: string; authorization?: string} {
  if (!URL.canParse(url))
    throw new FeedError(`feed URL ${JSON.stringify(url.replace(/\/\/[^/@]*@/, '//'))} is not a valid URL`, {
      code: 'FEED_BAD_URL',
      hint: "Check the recipe's feed URL",
    })
  const parsed = new URL(url)
  const {username, password} = parsed
  parsed.username = ''
  parsed.password = ''
  const target = parsed.toString()
  const shown = displayUrl(url)
  const authorization =
    username || password
      ? `Basic ${Buffer.from(`${decodeURIComponent(username)}:${decodeURIComponent(password)}`).toString('base64')}`
      : undefined
  return {target, shown, authorization}
}

function statusHint(status: number): string {
  if (status === 404) return "Check the recipe's feed URL"
  if (status === 401 || status === 403) return 'The vendor refused access: check the license key or credentials given at install'
  if (status >= 500) return "The vendor's release server has a problem; try again later (the running version is not affected)"
  return "Check the recipe's feed URL, or ask the vendor"
}

/** Reads at most `maxBytes`, stopping (and closing the connection) as soon as there are more. */
async function readBody(response: Response, maxBytes: number, tooLarge: () => FeedError): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length'))
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => {})
    throw tooLarge()
  }
  const chunks: Buffer[] = []
  let size = 0
  if (!response.body) return Buffer.alloc(0)
  // Leaving the loop early cancels the stream.
  for await (const chunk of response.body) {
    size += chunk.byteLength
    if (size > maxBytes) throw tooLarge()
    chunks.push(Buffer.from(chunk))
  }
  return Buffer.concat(chunks)
}

function networkReason(error: unknown): string {
  const cause = (error as {cause?: {code?: string; message?: string}})?.cause
  const code = cause?.code ?? (error as {code?: string})?.code
  if (code && UNREACHABLE_CODES[code]) return UNREACHABLE_CODES[code]
  return cause?.message ?? (error instanceof Error ? error.message : String(error))
}

function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`
}

function formatBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`
  return `${bytes} bytes`
}

// ---------------------------------------------------------------------------------------------------

export interface ChooseReleaseOptions {
  /** The installed version: only a strictly newer release is chosen. */
  current?: string
  /** Exactly this version, whatever its channel. */
  to?: string
  channel?: string
  includePrerelease?: boolean
}

/** How many versions the "not in the feed" hint lists. */
const HINT_VERSIONS = 5

/**
 * The release to install: exactly `to` when given; otherwise the highest release of the channel
 * (prereleases only when asked) newer than `current`, or undefined when there is none (up to date).
 */
export function chooseRelease(feed: Pick<Feed, 'releases'>, options: ChooseReleaseOptions = {}): Release | undefined {
  const releases = [...feed.releases].sort((a, b) => semver.rcompare(a.version, b.version))
  if (options.to !== undefined) return exactRelease(releases, options.to)

  const channel = options.channel ?? 'stable'
  const current = options.current === undefined ? undefined : validVersion(options.current, 'installed version')
  return releases.find(
    (release) =>
      release.channel === channel &&
      (options.includePrerelease || semver.prerelease(release.version) === null) &&
      (current === undefined || semver.gt(release.version, current)),
  )
}

function exactRelease(newestFirst: Release[], to: string): Release {
  const version = validVersion(to, 'version')
  const release = newestFirst.find((candidate) => semver.eq(candidate.version, version))
  if (release) return release
  const newest = newestFirst.slice(0, HINT_VERSIONS).map((candidate) => candidate.version)
  throw new DiscodeError(`version ${version} is not in the feed`, {
    hint: newest.length > 0 ? `The newest releases are ${newest.join(', ')}` : 'The feed lists no releases',
    code: 'VERSION_NOT_IN_FEED',
  })
}

function validVersion(version: string, what: string): string {
  const valid = semver.valid(version)
  if (valid === null)
    throw new DiscodeError(`${what} ${JSON.stringify(version)} is not semver`, {
      hint: 'Give a version such as 1.4.2',
      code: 'INVALID_VERSION',
    })
  return valid
}
