/** Verifying a signed feed (discode side): signature first, then dates, freshness and pinned images. */
import {displayUrl, type Feed, FeedError, fetchFeedBytes, type FetchFeedOptions, parseFeed} from './feed.js'
import {parsePublicKey} from './keys.js'
import {checkSignature} from '../keys/signature.js'
import {assertPinned, FeedSignatureError, instant} from './signature.js'

/** The largest `.sig` read: a signature is 88 base64 characters. */
const MAX_SIGNATURE_BYTES = 4096

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
  assertSignature(raw, signatureB64, publicKeyB64, where)
  const feed = signedObject(raw, where)
  const {published, expires} = signedDates(feed, where)
  assertFresh({published, expires}, options, where)
  assertPinned(
    Array.isArray(feed.releases) ? feed.releases : [],
    'A signed feed must name each image by digest (repo@sha256:...); tell the vendor',
    where,
  )
  return {published, expires}
}

/** The signature over the exact bytes, checked before anything in them is read. */
function assertSignature(raw: Buffer, signatureB64: string, publicKeyB64: string, where: string): void {
  const verdict = checkSignature(raw, signatureB64, parsePublicKey(publicKeyB64))
  if (verdict === 'malformed') {
    throw new FeedSignatureError(`the feed's signature is not a base64 ed25519 signature${where}`, {
      code: 'FEED_SIGNATURE_MALFORMED',
      hint: 'The .sig file beside the feed must hold what `discode feed sign` wrote; tell the vendor',
    })
  }
  if (verdict === 'mismatch') {
    throw new FeedSignatureError(`the feed's signature does not match the vendor's key${where}`, {
      code: 'FEED_SIGNATURE_MISMATCH',
      hint: "The feed was changed after it was signed, or signed with a key other than the recipe's feedKey; do not trust it, tell the vendor",
    })
  }
}

function signedObject(raw: Buffer, where: string): Record<string, unknown> {
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
  return (typeof data === 'object' && data !== null && !Array.isArray(data) ? data : {}) as Record<string, unknown>
}

/** `published` and `expires`, both ISO 8601 instants, the second after the first. */
function signedDates(feed: Record<string, unknown>, where: string): {published: string; expires: string} {
  const datesHint = 'The vendor must sign the feed with `discode feed sign`, which sets both; tell them'
  const date = (name: 'published' | 'expires'): string => {
    const value = instant(feed[name])
    if (value === undefined) {
      throw new FeedSignatureError(`the signed feed's "${name}" is missing or not an ISO 8601 time${where}`, {
        code: 'FEED_DATES_INVALID',
        hint: datesHint,
      })
    }
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
  return {published, expires}
}

/** Not expired, and not older than the newest feed already accepted (a replay or a freeze). */
function assertFresh(dates: {published: string; expires: string}, options: VerifyFeedOptions, where: string): void {
  const now = options.now ?? new Date()
  if (now.getTime() >= Date.parse(dates.expires)) {
    throw new FeedSignatureError(`the feed expired on ${dates.expires}${where}`, {
      code: 'FEED_EXPIRED',
      hint: 'The vendor must sign it again (`discode feed sign`); tell them. An expired feed may be an old copy replayed to hold back updates',
    })
  }
  if (options.newestAccepted === undefined) return
  const newest = Date.parse(options.newestAccepted)
  if (Number.isNaN(newest)) {
    throw new FeedSignatureError(`the newest accepted feed time ${JSON.stringify(options.newestAccepted)} is not a date`, {
      code: 'FEED_ACCEPTED_INVALID',
      hint: "The app's record under DISCODE_HOME is damaged; fix or remove its feed time",
    })
  }
  if (Date.parse(dates.published) < newest) {
    throw new FeedSignatureError(
      `the feed (published ${dates.published}) is older than the newest feed already accepted (${new Date(newest).toISOString()})${where}`,
      {
        code: 'FEED_REPLAYED',
        hint: 'Someone may be serving an old copy of the feed to hold back updates; try again later or tell the vendor',
      },
    )
  }
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
