/**
 * Whether an app's feed may be read, decided before it is fetched. Pure, so every case is unit-tested.
 *
 * - A recipe with a `feedKey` (a signed feed) is trusted over http or https: the signature is the proof.
 * - A feed on a loopback host (127.0.0.0/8, ::1, localhost) is this machine's own: development, tests.
 * - Any other feed is unsigned and on another host: whoever can change it (or, over plain http, anyone on
 *   the way) chooses the images this server runs as root. It is read only when the customer said so
 *   (`--allow-unsigned-feed`, stored in the app's record), and then with a warning in status and doctor.
 * - An app installed before discode required this (its record has no `feedTrust`) keeps working, with
 *   a loud warning in update, status and doctor until the customer opts in (or the vendor signs).
 * - An app installed with a feedKey never silently loses it: a recipe (a plugin update) that drops or
 *   changes the key is refused until the customer accepts it (`--accept-feed-key`).
 */
import {repositoryOf} from '../docker/reference.js'
import {DiscodeError} from '../errors.js'
import {isLoopbackHost} from '../loopback.js'
import type {FeedTrust, FeedVerdict} from '../state/store.js'
import {updatesFromBundles} from './bundle-only.js'
import {displayUrl} from './feed.js'

export interface FeedTrustInput {
  app: string
  url: string
  /** The recipe's feedKey as it renders now. */
  key?: string
  /** The record's; undefined for a new install and for records written before feed trust. */
  trust?: FeedTrust
  /** An installed app (install: false). */
  installed: boolean
  /** --allow-unsigned-feed (true) or --no-allow-unsigned-feed (false), when given. */
  allowUnsigned?: boolean
  /** --accept-feed-key: the recipe's (new, or no) key replaces the one recorded. */
  acceptKey?: boolean
  /** This read is a verified bundle's feed; --online: an app from bundles reads the vendor's feed again. */
  offline?: boolean
  online?: boolean
}

export interface FeedTrustDecision {
  verdict: FeedVerdict
  /** For update, status and doctor (legacy and allowed). */
  warning?: string
  /** What the record keeps once the feed was read. */
  trust: FeedTrust
}

/** The host of a URL is this machine: 127.0.0.0/8, ::1 or localhost. */
export function isLoopbackUrl(url: string): boolean {
  return URL.canParse(url) && isLoopbackHost(new URL(url).hostname)
}

/** Throws (FEED_KEY_CHANGED, FEED_UNSIGNED) or says how the feed is trusted and what to record. */
export function judgeFeedTrust(input: FeedTrustInput): FeedTrustDecision {
  const {app, url, key, trust} = input
  if (trust?.key && key !== trust.key && !input.acceptKey) throw keyChanged(app, trust.key, key)
  const bundle = updatesFromBundles({app, offline: input.offline, online: input.online, bundle: trust?.bundle})
  const allowUnsigned = input.allowUnsigned ?? trust?.allowUnsigned
  const kept: FeedTrust = {...(allowUnsigned === undefined ? {} : {allowUnsigned}), ...(bundle ? {bundle} : {})}
  if (key) return {verdict: 'signed', trust: {...kept, key, verdict: 'signed'}}
  if (isLoopbackUrl(url)) return {verdict: 'loopback', trust: {...kept, verdict: 'loopback'}}
  const shown = displayUrl(url)
  const plain = shown.startsWith('http:') ? ' over plain http' : ''
  if (allowUnsigned) {
    return {
      verdict: 'allowed',
      warning: `${app}'s feed ${shown} is not signed${plain}: read because you allowed it (--allow-unsigned-feed); ask the vendor for a signed feed`,
      trust: {...kept, verdict: 'allowed'},
    }
  }
  const legacy = input.installed && allowUnsigned === undefined && (!trust || trust.verdict === 'legacy')
  if (legacy) {
    return {
      verdict: 'legacy',
      warning: `${app}'s feed ${shown} is not signed${plain} and is on another host: whoever can change it chooses what runs here. It is still read (installed before discode required a signed feed); accept the risk with "discode update ${app} --allow-unsigned-feed", or ask the vendor for a feedKey`,
      trust: {verdict: 'legacy'},
    }
  }
  throw new DiscodeError(
    `the feed ${shown} is not signed (the recipe has no feedKey)${plain} and is on another host: whoever can change it would choose what runs here`,
    {
      code: 'FEED_UNSIGNED',
      hint: `Ask the vendor for a signed feed (feedKey). To trust it anyway: ${
        input.installed ? `discode update ${app} --allow-unsigned-feed` : 'install again with --allow-unsigned-feed'
      }. Nothing was changed`,
    },
  )
}

function keyChanged(app: string, recorded: string, now: string | undefined): DiscodeError {
  const what = now ? `changed the feed key (from ${recorded.slice(0, 12)}... to ${now.slice(0, 12)}...)` : 'no longer has the feed key'
  return new DiscodeError(`${app}'s recipe ${what} it was installed with: its feed would no longer be verified against that key`, {
    code: 'FEED_KEY_CHANGED',
    hint: `A plugin update may have been tampered with: nothing was changed. Reinstall the plugin version you had, or, once the vendor confirms the change, "discode update ${app} --accept-feed-key"`,
  })
}

/**
 * Every release of the feed names an image in one of the recipe's repositories (compared normalized):
 * a feed cannot send this server, or the customer's registry credentials, anywhere else.
 */
export function assertFeedImages(releases: {version: string; image: string}[], repositories: string[], source: string): void {
  const allowed = new Set(repositories.map(repositoryOf))
  const foreign = releases.find((release) => !allowed.has(repositoryOf(release.image)))
  if (!foreign) return
  throw new DiscodeError(
    `feed ${source}: release ${foreign.version} names an image in ${repositoryOf(foreign.image)}, not in the recipe's repository ${[...allowed].join(' or ')}`,
    {
      code: 'FEED_IMAGE_FOREIGN',
      hint: "Nothing was pulled or changed. A feed may only name images of the recipe's own repository; tell the vendor",
    },
  )
}
