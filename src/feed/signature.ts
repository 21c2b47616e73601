/**
 * Signed release feeds. The vendor keeps an ed25519 private key (`feed.key`) and publishes, beside the
 * feed, a detached signature `FEED.sig` over the feed's exact bytes; the recipe carries the public key
 * (`feedKey`, the raw 32-byte key as one base64 line). discode then refuses a feed that is unsigned,
 * changed, signed with another key, expired, older than one it has already accepted (a replay or a
 * freeze), or that names an image by tag instead of by digest. Only `node:crypto` is used.
 */
import {createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject} from 'node:crypto'
import {chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {check} from '../recipes/issues.js'
import {ED25519_KEY_BYTES, strictBase64} from './public-key.js'
import {displayUrl, type Feed, FeedError, FeedSchema, fetchFeedBytes, type FetchFeedOptions, isPinnedByDigest, parseFeed} from './feed.js'

/** Every refusal of a signed feed (and of signing one): one line, a hint and its own code. */
export class FeedSignatureError extends FeedError {}

export const PRIVATE_KEY_FILE = 'feed.key'
export const PUBLIC_KEY_FILE = 'feed.pub'
export const DEFAULT_EXPIRES = '30d'

const ED25519_SIGNATURE_BYTES = 64
/** The largest `.sig` read: a signature is 88 base64 characters. */
const MAX_SIGNATURE_BYTES = 4096
/** ISO 8601 with a time and a zone, as `Date.toISOString` writes it: no local-time guesses. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/
const DIGEST = /@(sha256:[a-f0-9]{64})$/

// ---------------------------------------------------------------------------------------------------
// Keys

export interface KeyPair {
  privateKeyPem: string
  /** The raw 32-byte ed25519 public key as one base64 line: the recipe's `feedKey`. */
  publicKey: string
}

export function generateKeyPair(): KeyPair {
  const {privateKey, publicKey} = generateKeyPairSync('ed25519')
  return {privateKeyPem: privateKey.export({type: 'pkcs8', format: 'pem'}) as string, publicKey: rawPublicKey(publicKey)}
}

/** The raw public key (base64) of a private or public ed25519 key. */
function rawPublicKey(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key
  const {x} = publicKey.export({format: 'jwk'})
  return Buffer.from(x!, 'base64url').toString('base64')
}

export interface WrittenKeyPair {
  privateKeyPath: string
  publicKeyPath: string
  publicKey: string
}

/**
 * Writes `dir/feed.key` (PKCS8 PEM, 0600) and `dir/feed.pub` (the base64 line, 0644). An existing
 * private key is never overwritten without `force`: it may be the one every customer's recipe trusts.
 */
export function writeKeyPair(dir: string, options: {force?: boolean} = {}): WrittenKeyPair {
  const privateKeyPath = join(dir, PRIVATE_KEY_FILE)
  const publicKeyPath = join(dir, PUBLIC_KEY_FILE)
  if (!options.force && existsSync(privateKeyPath)) {
    throw new FeedSignatureError(`${privateKeyPath} already exists`, {
      code: 'FEED_KEY_EXISTS',
      hint: 'Recipes that trust its public key would refuse feeds signed with a new one; pass --force to replace it anyway',
    })
  }
  const pair = generateKeyPair()
  try {
    mkdirSync(dir, {recursive: true, mode: 0o700})
    // Removed first and created exclusively, so the new private key is never in a file others can read.
    if (options.force) rmSync(privateKeyPath, {force: true})
    writeFileSync(privateKeyPath, pair.privateKeyPem, {mode: 0o600, flag: 'wx'})
    chmodSync(privateKeyPath, 0o600)
    writeFileSync(publicKeyPath, `${pair.publicKey}\n`, {mode: 0o644})
    chmodSync(publicKeyPath, 0o644)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new FeedSignatureError(`${privateKeyPath} already exists`, {
        code: 'FEED_KEY_EXISTS',
        hint: 'Pass --force to replace it',
        cause: error,
      })
    }
    throw new FeedSignatureError(`cannot write the key pair in ${dir}: ${fsReason(error)}`, {
      code: 'FEED_KEY_WRITE_FAILED',
      hint: 'Choose a directory you can write to',
      cause: error,
    })
  }
  return {privateKeyPath, publicKeyPath, publicKey: pair.publicKey}
}

/** The recipe's `feedKey` as a key object, or a FeedSignatureError saying it is not one. */
export function parsePublicKey(publicKeyB64: string): KeyObject {
  const bytes = strictBase64(publicKeyB64)
  const fail = (cause?: unknown) =>
    new FeedSignatureError(`the recipe's feedKey is not an ed25519 public key (one base64 line of ${ED25519_KEY_BYTES} bytes)`, {
      code: 'FEED_KEY_INVALID',
      hint: "feedKey must be the line of the vendor's feed.pub (written by `discode feed keygen`); tell the vendor",
      cause,
    })
  if (bytes?.length !== ED25519_KEY_BYTES) throw fail()
  try {
    return createPublicKey({key: {kty: 'OKP', crv: 'Ed25519', x: bytes.toString('base64url')}, format: 'jwk'})
  } catch (error) {
    throw fail(error)
  }
}

function readPrivateKey(path: string): KeyObject {
  let pem: Buffer
  try {
    pem = readFileSync(path)
  } catch (error) {
    throw new FeedSignatureError(`cannot read the private key ${path}: ${fsReason(error)}`, {
      code: 'FEED_PRIVATE_KEY_UNREADABLE',
      hint: 'Give the feed.key written by `discode feed keygen --out DIR`',
      cause: error,
    })
  }
  let key: KeyObject | undefined
  try {
    key = createPrivateKey(pem)
  } catch {
    key = undefined
  }
  if (key?.asymmetricKeyType !== 'ed25519') {
    throw new FeedSignatureError(`${path} is not an ed25519 private key`, {
      code: 'FEED_PRIVATE_KEY_INVALID',
      hint: 'Give the feed.key written by `discode feed keygen --out DIR` (an unencrypted PKCS8 PEM ed25519 key)',
    })
  }
  return key
}

// ---------------------------------------------------------------------------------------------------
// Signing (vendor side)

export interface SignFeedOptions {
  /** How long the signed feed stays valid: `30d`, `12h`, `90m`. Default 30d. */
  expires?: string
  now?: Date
}

export interface SignedFeedFiles {
  feedPath: string
  signaturePath: string
  published: string
  expires: string
  /** The public key matching the signing key: the `feedKey` recipes must carry. */
  publicKey: string
}

/**
 * Sets the feed's `published` (now) and `expires`, writes it back (2-space JSON, trailing newline) and
 * writes `FEED.sig`: the base64 ed25519 signature over the exact bytes written. Refuses an invalid feed
 * and a release whose image is not pinned by digest.
 */
export function signFeed(feedPath: string, privateKeyPath: string, options: SignFeedOptions = {}): SignedFeedFiles {
  const now = options.now ?? new Date()
  const lifetime = parseDuration(options.expires ?? DEFAULT_EXPIRES)
  const key = readPrivateKey(privateKeyPath)
  const data = readFeedFile(feedPath)

  const previous = data.published
  if (typeof previous === 'string' && ISO_INSTANT.test(previous) && Date.parse(previous) > now.getTime()) {
    // discode refuses a feed published before one it has accepted: moving backwards would stop updates.
    throw new FeedSignatureError(`${feedPath} was already published at ${previous}, later than now (${now.toISOString()})`, {
      code: 'FEED_PUBLISHED_BACKWARDS',
      hint: "Customers who accepted that feed would refuse this one as older; check this machine's clock",
    })
  }

  const published = now.toISOString()
  const expires = new Date(now.getTime() + lifetime).toISOString()
  data.published = published
  data.expires = expires
  const bytes = Buffer.from(`${JSON.stringify(data, null, 2)}\n`)
  const signature = sign(null, bytes, key).toString('base64')

  const signaturePath = `${feedPath}.sig`
  try {
    writeFileSync(feedPath, bytes)
    writeFileSync(signaturePath, `${signature}\n`)
  } catch (error) {
    throw new FeedSignatureError(`cannot write the signed feed ${feedPath}: ${fsReason(error)}`, {
      code: 'FEED_WRITE_FAILED',
      hint: 'Check the file permissions',
      cause: error,
    })
  }
  return {feedPath, signaturePath, published, expires, publicKey: rawPublicKey(key)}
}

/** The feed file as a JSON object, checked with the feed schema and for pinned images. */
function readFeedFile(feedPath: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(feedPath, 'utf8')
  } catch (error) {
    throw new FeedError(`cannot read the feed ${feedPath}: ${fsReason(error)}`, {
      code: 'FEED_FILE_UNREADABLE',
      hint: 'Give the path of the feed JSON file',
      cause: error,
    })
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new FeedError(`${feedPath} is not JSON (${(error as Error).message})`, {
      code: 'FEED_NOT_JSON',
      hint: 'The feed must be a JSON document with a "releases" list',
      cause: error,
    })
  }
  const result = check(FeedSchema, data)
  if (!result.ok) {
    const [first] = result.problems
    const more = result.problems.length > 1 ? ` (and ${result.problems.length - 1} more problems)` : ''
    throw new FeedError(`${feedPath}: ${first.path ? `${first.path}: ` : ''}${first.message}${more}`, {
      code: 'FEED_INVALID',
      hint: 'Fix the feed before signing it',
    })
  }
  // The original document is signed (not the schema's output), so the vendor's text is kept as written.
  assertPinned(
    (data as {releases: unknown[]}).releases,
    'Name each image as repo@sha256:<digest> (`docker buildx imagetools inspect IMAGE` shows it) and sign again',
  )
  return data as Record<string, unknown>
}

/** `30d`, `12h`, `90m` in milliseconds. */
export function parseDuration(text: string): number {
  const match = /^([1-9]\d{0,5})([dhm])$/.exec(text.trim())
  if (!match)
    throw new FeedSignatureError(`--expires ${JSON.stringify(text)} is not a duration`, {
      code: 'FEED_BAD_DURATION',
      hint: 'Give a number and a unit: 30d, 12h or 90m',
    })
  const unit = {d: 86_400_000, h: 3_600_000, m: 60_000}[match[2] as 'd' | 'h' | 'm']
  return Number(match[1]) * unit
}

// ---------------------------------------------------------------------------------------------------
// Verifying (discode side)

export interface VerifyFeedOptions {
  now?: Date
  /** The `published` time of the newest feed already accepted for this app (ISO 8601). */
  newestAccepted?: string
  /** Named in messages, e.g. the feed URL (without credentials). */
  source?: string
}

/**
 * Checks the signature over the raw bytes first, and only then reads the feed: its `published` and
 * `expires`, and that every release image is pinned by digest. Returns the two dates.
 */
export function verifyFeed(
  raw: Buffer,
  signatureB64: string,
  publicKeyB64: string,
  options: VerifyFeedOptions = {},
): {published: string; expires: string} {
  const where = options.source ? ` (${options.source})` : ''
  const key = parsePublicKey(publicKeyB64)
  const signature = strictBase64(signatureB64)
  if (signature?.length !== ED25519_SIGNATURE_BYTES) {
    throw new FeedSignatureError(`the feed's signature is not a base64 ed25519 signature${where}`, {
      code: 'FEED_SIGNATURE_MALFORMED',
      hint: 'The .sig file beside the feed must hold what `discode feed sign` wrote; tell the vendor',
    })
  }
  if (!verify(null, raw, key, signature)) {
    throw new FeedSignatureError(`the feed's signature does not match the vendor's key${where}`, {
      code: 'FEED_SIGNATURE_MISMATCH',
      hint: "The feed was changed after it was signed, or signed with a key other than the recipe's feedKey; do not trust it, tell the vendor",
    })
  }

  let data: unknown
  try {
    data = JSON.parse(new TextDecoder().decode(raw))
  } catch (error) {
    throw new FeedError(`the signed feed is not JSON${where}`, {
      code: 'FEED_NOT_JSON',
      hint: 'The vendor signed something that is not a feed; tell them',
      cause: error,
    })
  }
  const feed = (typeof data === 'object' && data !== null && !Array.isArray(data) ? data : {}) as Record<string, unknown>

  const datesHint = 'The vendor must sign the feed with `discode feed sign`, which sets both; tell them'
  const date = (name: 'published' | 'expires'): string => {
    const value = instant(feed[name])
    if (value === undefined)
      throw new FeedSignatureError(`the signed feed's "${name}" is missing or not an ISO 8601 time${where}`, {
        code: 'FEED_DATES_INVALID',
        hint: datesHint,
      })
    return value
  }
  const published = date('published')
  const expires = date('expires')
  if (Date.parse(expires) <= Date.parse(published)) {
    throw new FeedSignatureError(`the signed feed's "expires" (${expires}) is not after its "published" (${published})${where}`, {
      code: 'FEED_DATES_INVALID',
      hint: datesHint,
    })
  }

  const now = options.now ?? new Date()
  if (now.getTime() >= Date.parse(expires)) {
    throw new FeedSignatureError(`the feed expired on ${expires}${where}`, {
      code: 'FEED_EXPIRED',
      hint: 'The vendor must sign it again (`discode feed sign`); tell them. An expired feed may be an old copy replayed to hold back updates',
    })
  }

  if (options.newestAccepted !== undefined) {
    const newest = Date.parse(options.newestAccepted)
    if (Number.isNaN(newest)) {
      throw new FeedSignatureError(`the newest accepted feed time ${JSON.stringify(options.newestAccepted)} is not a date`, {
        code: 'FEED_ACCEPTED_INVALID',
        hint: "The app's record under DISCODE_HOME is damaged; fix or remove its feed time",
      })
    }
    if (Date.parse(published) < newest) {
      throw new FeedSignatureError(
        `the feed (published ${published}) is older than the newest feed already accepted (${new Date(newest).toISOString()})${where}`,
        {
          code: 'FEED_REPLAYED',
          hint: 'Someone may be serving an old copy of the feed to hold back updates; try again later or tell the vendor',
        },
      )
    }
  }

  assertPinned(
    Array.isArray(feed.releases) ? feed.releases : [],
    'A signed feed must name each image by digest (repo@sha256:...); tell the vendor',
    where,
  )
  return {published, expires}
}

export interface FetchSignedFeedOptions extends FetchFeedOptions {
  newestAccepted?: string
  now?: Date
}

/**
 * Fetches `url` and `url + '.sig'`, verifies the signature against `publicKeyB64` (the recipe's
 * `feedKey`), then parses and validates the feed. The caller must store the returned `published` as
 * the app's newest accepted feed time once it has acted on the feed.
 */
export async function fetchSignedFeed(
  url: string,
  publicKeyB64: string,
  options: FetchSignedFeedOptions = {},
): Promise<{feed: Feed; raw: Buffer; published: string; expires: string}> {
  const {newestAccepted, now, ...fetchOptions} = options
  // A bad feedKey is the recipe's fault: say so before touching the network.
  parsePublicKey(publicKeyB64)
  const signatureUrl = signatureUrlFor(url)
  const fetchImpl = fetchOptions.fetchImpl ?? fetch
  let signatureStatus: number | undefined
  const recordStatus: typeof fetch = async (input, init) => {
    const response = await fetchImpl(input, init)
    signatureStatus = response.status
    return response
  }

  const [feedResult, signatureResult] = await Promise.allSettled([
    fetchFeedBytes(url, fetchOptions),
    fetchFeedBytes(signatureUrl, {...fetchOptions, fetchImpl: recordStatus, maxBytes: MAX_SIGNATURE_BYTES}),
  ])
  if (feedResult.status === 'rejected') throw feedResult.reason
  if (signatureResult.status === 'rejected') {
    if (signatureStatus === 404) {
      throw new FeedSignatureError(`the feed is not signed: ${displayUrl(signatureUrl)} answered HTTP 404`, {
        code: 'FEED_NOT_SIGNED',
        hint: 'The recipe has a feedKey, so it requires a signed feed: the vendor must publish FEED.sig beside the feed (`discode feed sign`); tell them',
        cause: signatureResult.reason,
      })
    }
    throw signatureResult.reason
  }

  const raw = feedResult.value
  const signature = new TextDecoder().decode(signatureResult.value)
  const {published, expires} = verifyFeed(raw, signature, publicKeyB64, {now, newestAccepted, source: displayUrl(url)})
  return {feed: parseFeed(raw, url), raw, published, expires}
}

/** `FEED.sig` beside the feed: the path gets `.sig`, the query string (a token, say) is kept. */
function signatureUrlFor(url: string): string {
  if (!URL.canParse(url)) return `${url}.sig` // fetchFeedBytes names the bad URL
  const parsed = new URL(url)
  parsed.pathname = `${parsed.pathname}.sig`
  return parsed.toString()
}

// ---------------------------------------------------------------------------------------------------
// Pulled images

/** The `sha256:...` digest of a `repo@sha256:...` reference, or undefined for a tag. */
export function digestOf(image: string): string | undefined {
  return DIGEST.exec(image)?.[1]
}

/**
 * After a pull: one of Docker's `RepoDigests` of the pulled image (`repo@sha256:...`) must carry the
 * digest the signed feed names, or the image is not the one the vendor signed.
 */
export function assertImageDigest(image: string, repoDigests: string[]): void {
  const digest = digestOf(image)
  if (digest === undefined) {
    throw new FeedSignatureError(`image ${image} is not pinned by digest`, {
      code: 'FEED_IMAGE_NOT_PINNED',
      hint: 'A signed feed must name each image as repo@sha256:<digest>; tell the vendor',
    })
  }
  if (repoDigests.some((reference) => reference.endsWith(`@${digest}`))) return
  const seen = repoDigests.length > 0 ? repoDigests.map((reference) => reference.slice(reference.indexOf('@') + 1)).join(', ') : 'none'
  throw new FeedSignatureError(`the pulled image ${image} does not have the signed digest (Docker reports ${seen})`, {
    code: 'IMAGE_DIGEST_MISMATCH',
    hint: 'The registry served another image than the vendor signed; it was not started. Remove it (docker image rm) and retry, or tell the vendor',
  })
}

// ---------------------------------------------------------------------------------------------------

function assertPinned(releases: unknown[], hint: string, where = ''): void {
  releases.forEach((release, index) => {
    const {version, image} = (typeof release === 'object' && release !== null ? release : {}) as {version?: unknown; image?: unknown}
    if (typeof image !== 'string' || isPinnedByDigest(image)) return
    const name = typeof version === 'string' ? `release ${version}` : `releases[${index}]`
    throw new FeedSignatureError(`${name}: image ${image} is not pinned by digest${where}`, {code: 'FEED_IMAGE_NOT_PINNED', hint})
  })
}

function instant(value: unknown): string | undefined {
  return typeof value === 'string' && ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value)) ? value : undefined
}

function fsReason(error: unknown): string {
  const {code, message} = error as NodeJS.ErrnoException
  const reasons: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EISDIR: 'is a directory',
    ENOTDIR: 'not a directory',
    EEXIST: 'already exists',
  }
  return (code && reasons[code]) ?? message
}
