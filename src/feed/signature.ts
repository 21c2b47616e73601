/**
 * Signed release feeds. The vendor keeps an ed25519 private key (`feed.key`) and publishes, beside the
 * feed, a detached signature `FEED.sig` over the feed's exact bytes; the recipe carries the public key
 * (`feedKey`, the raw 32-byte key as one base64 line). discode then refuses a feed that is unsigned,
 * changed, signed with another key, expired, older than one it has already accepted (a replay or a
 * freeze), or that names an image by tag instead of by digest. Only `node:crypto` is used.
 */
import {FeedError, isPinnedByDigest} from './feed.js'

/** Every refusal of a signed feed (and of signing one): one line, a hint and its own code. */
export class FeedSignatureError extends FeedError {}

/** ISO 8601 with a time and a zone, as `Date.toISOString` writes it: no local-time guesses. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/

/** Refuses a feed that names an image by tag: a signed feed pins each one by digest. */
export function assertPinned(releases: unknown[], hint: string, where = ''): void {
  releases.forEach((release, index) => {
    const {version, image} = (typeof release === 'object' && release !== null ? release : {}) as {version?: unknown; image?: unknown}
    if (typeof image !== 'string' || isPinnedByDigest(image)) return
    const name = typeof version === 'string' ? `release ${version}` : `releases[${index}]`
    throw new FeedSignatureError(`${name}: image ${image} is not pinned by digest${where}`, {code: 'FEED_IMAGE_NOT_PINNED', hint})
  })
}

/** An ISO 8601 instant, or undefined. */
export function instant(value: unknown): string | undefined {
  return typeof value === 'string' && ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value)) ? value : undefined
}

/** A file system error in a few words. */
export function fsReason(error: unknown): string {
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
