/** What goes into a bundle, decided from the inputs only: the releases, their images, and when. */
import semver from 'semver'

import {repositoryOf} from '../docker/reference.js'
import {isPinnedByDigest} from '../feed/feed.js'
import {instant} from '../feed/signature.js'
import type {RawRecipe} from '../recipes/schema.js'
import {BundleError} from './errors.js'

export interface SourceFeed {
  releases?: unknown
  published?: unknown
}

/**
 * The feed entries of the requested versions, as the feed lists them (sorted by semver), and the
 * feed's `published`. Refuses a version the feed does not list, an image not pinned by digest, and an
 * unsigned feed (no `published`: it would give the customer no replay protection).
 */
export function selectReleases(
  feed: SourceFeed,
  versions: string[],
  source: string,
): {releases: Record<string, unknown>[]; published: string} {
  const published = instant(feed.published)
  if (!published) {
    throw new BundleError(`the feed ${source} has no "published" time`, {
      code: 'BUNDLE_FEED_UNSIGNED',
      hint: 'Sign it first (`discode feed sign FEED --key DIR/feed.key` sets it): a bundle carries the time for replay protection',
    })
  }
  const entries = (Array.isArray(feed.releases) ? feed.releases : []) as Record<string, unknown>[]
  const chosen = [...new Set(versions.map((version) => semver.valid(version) ?? version))].map((version) => {
    const entry = entries.find((candidate) => typeof candidate?.version === 'string' && semver.valid(candidate.version) === version)
    if (!entry) {
      throw new BundleError(`the feed ${source} does not list version ${version}`, {
        code: 'BUNDLE_VERSION_NOT_IN_FEED',
        hint: 'Add it first (`discode feed add`), sign the feed, then make the bundle',
      })
    }
    if (typeof entry.image !== 'string' || !isPinnedByDigest(entry.image)) {
      throw new BundleError(`release ${version}: image ${String(entry.image)} is not pinned by digest`, {
        code: 'BUNDLE_IMAGE_NOT_PINNED',
        hint: 'A bundle carries images by digest: add the release with `discode feed add` (it pins the digest)',
      })
    }
    return entry
  })
  chosen.sort((a, b) => semver.compare(a.version as string, b.version as string))
  return {releases: chosen, published}
}

/**
 * Every image the bundle carries: each release's, each accessory's (a templated accessory image is
 * left out, and said), and the proxy image when asked; each once, sorted.
 */
export function imageRefs(
  releases: Record<string, unknown>[],
  recipe: Pick<RawRecipe, 'accessories'>,
  proxyImage?: string,
): {refs: string[]; skipped: string[]} {
  const accessories = Object.values(recipe.accessories ?? {}).map((accessory) => accessory.image)
  const skipped = accessories.filter((image) => image.includes('{{'))
  const refs = [...releases.map((release) => release.image as string), ...accessories.filter((image) => !image.includes('{{'))]
  if (proxyImage) refs.push(proxyImage)
  return {refs: [...new Set(refs)].sort(), skipped}
}

/**
 * Tags `docker load` gives an image: a `repo:tag` reference keeps its tag; a release's digest reference
 * gets `repo:<version>` (so `docker images` shows what was loaded); any other digest reference none.
 */
export function loadTags(ref: string, releases: Record<string, unknown>[] = []): string[] {
  if (!ref.includes('@')) return [ref]
  const release = releases.find((entry) => entry.image === ref)
  const version = typeof release?.version === 'string' ? release.version : undefined
  return version && TAG.test(version) ? [`${repositoryOf(ref)}:${version}`] : []
}

const TAG = /^[\w][\w.-]{0,127}$/
