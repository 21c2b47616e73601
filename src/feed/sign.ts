/** Signing a feed (vendor side): `discode feed sign`. */
import {readFileSync, writeFileSync} from 'node:fs'

import {signBytes} from '../keys/signature.js'
import {check} from '../recipes/issues.js'
import {FeedError, FeedSchema} from './feed.js'
import {rawPublicKey, readPrivateKey} from './keys.js'
import {assertPinned, FeedSignatureError, fsReason, instant} from './signature.js'

export const DEFAULT_EXPIRES = '30d'

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
  if (instant(previous) !== undefined && Date.parse(previous as string) > now.getTime()) {
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

  const signaturePath = `${feedPath}.sig`
  try {
    writeFileSync(feedPath, bytes)
    writeFileSync(signaturePath, signBytes(bytes, key))
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
    'Add each release pinned by digest (`discode feed add FEED --image REPO:TAG --version V` reads it from the registry) and sign again',
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
