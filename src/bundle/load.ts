/**
 * Customer side: a bundle is opened (its manifest verified with the trusted key, an older one refused),
 * then every part is verified while it is written to a private temporary directory, and only then
 * are the images loaded into Docker (`docker load` tars put back together from the verified blobs)
 * and the recipe kept. What the lifecycle then reads is an `OfflineFeed`: no feed fetch, no pull.
 */
import {createHash} from 'node:crypto'
import {cpSync, existsSync, mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {basename, join} from 'node:path'
import {pathToFileURL} from 'node:url'

import type {DockerClient} from '../docker/docker.js'
import {inspectImage} from '../docker/docker.js'
import {dockerError} from '../docker/errors.js'
import {parseFeed} from '../feed/feed.js'
import {olderBundle, type OfflineFeed} from '../feed/read.js'
import {readHead, verifyParts} from './archive.js'
import {loadTags} from './contents.js'
import {BundleError} from './errors.js'
import {loadStream} from './image-tar.js'
import {keepPlugin} from './plugin.js'
import {type BundleImage, type BundleManifest, parseManifest, verifyManifest} from './manifest.js'
import {chooseKey, isOlderBundle, type KeyChoiceInput, unconfirmedKey} from './trust.js'

export interface OpenBundleOptions extends Omit<KeyChoiceInput, 'bundleKey'> {
  /** Asked when a first install's key was neither given nor accepted (a terminal prompt). */
  confirm?: (fingerprint: string) => Promise<boolean>
  newestAccepted?: string
  /** --to / --version: an older bundle may be used on purpose. */
  to?: string
}

export interface OpenedBundle {
  file: string
  manifest: BundleManifest
  key: string
  /** The fingerprint of a key trusted on first use (shown to the customer). */
  firstUse?: string
}

/** Reads and verifies the manifest only: nothing is loaded, nothing written. */
export async function openBundle(file: string, options: OpenBundleOptions): Promise<OpenedBundle> {
  const head = await readHead(file)
  const unverified = parseManifest(head.manifest, file)
  const choice = chooseKey({...options, bundleKey: unverified.feedKey})
  let key: string
  let firstUse: string | undefined
  if ('confirm' in choice) {
    if (!(await options.confirm?.(choice.confirm))) throw unconfirmedKey(choice.confirm)
    ;[key, firstUse] = [unverified.feedKey, choice.confirm]
  } else ({key, firstUse} = choice)
  const manifest = verifyManifest(head.manifest, head.signature, key, file)
  if (isOlderBundle(manifest.published, options.newestAccepted) && options.to === undefined) {
    throw olderBundle({source: basename(file), published: manifest.published}, options.newestAccepted!)
  }
  return {file, manifest, key, firstUse}
}

export interface LoadedBundle {
  offline: OfflineFeed
  /** Where the bundle's recipe is kept (content-addressed, under DISCODE_HOME/bundles). */
  recipeDir: string
  /** The vendor plugin's verified tarball, kept under DISCODE_HOME/bundles, when the bundle carries one. */
  plugin?: string
}

/** Another engine the release images go to as well (a cluster's worker, reached at its own endpoint). */
export interface LoadTarget {
  name: string
  docker: DockerClient
}

/** Verifies every part (streamed), then loads the images and keeps the recipe. */
export async function loadBundle(
  docker: DockerClient,
  home: string,
  opened: OpenedBundle,
  options: {
    allowOlder?: boolean
    onProgress?: (label: string, bytes: number) => void
    onImage?: (ref: string, node?: string) => void
    /** A cluster's workers: they get the release images (the manager, this engine, gets them all). */
    nodes?: LoadTarget[]
  } = {},
): Promise<LoadedBundle> {
  const {file, manifest} = opened
  mkdirSync(home, {recursive: true})
  const work = mkdtempSync(join(home, '.bundle-'))
  try {
    await verifyParts(file, manifest, {extractTo: work, onProgress: (done) => options.onProgress?.('verifying', done)})
    const images: Record<string, string> = {}
    for (const image of manifest.images) {
      options.onImage?.(image.ref)
      images[image.ref] = await loadOne(docker, image, loadTags(image.ref, manifest.releases), work)
    }
    await loadOnNodes(options.nodes ?? [], manifest, work, options.onImage)
    const recipeDir = keepRecipe(home, manifest, work)
    const feed = parseFeed(
      Buffer.from(JSON.stringify({releases: manifest.releases, published: manifest.published})),
      pathToFileURL(file).href,
    )
    const offline = {feed, published: manifest.published, key: opened.key, images, source: basename(file), allowOlder: options.allowOlder}
    return {offline, recipeDir, plugin: keepPlugin(home, manifest, work)}
  } finally {
    rmSync(work, {recursive: true, force: true})
  }
}

/** The release images (not the accessories' nor the proxy's, which run on the manager) into each node, unless it has them. */
async function loadOnNodes(nodes: LoadTarget[], manifest: BundleManifest, work: string, onImage?: (ref: string, node?: string) => void) {
  const releaseRefs = new Set(manifest.releases.map((release) => release.image))
  for (const node of nodes) {
    for (const image of manifest.images.filter((entry) => releaseRefs.has(entry.ref))) {
      // An image id is the digest of its config: an engine that has it has the same bytes.
      if (await inspectImage(node.docker, image.config)) continue
      onImage?.(image.ref, node.name)
      await loadOne(node.docker, image, loadTags(image.ref, manifest.releases), work, node.name)
    }
  }
}

async function loadOne(docker: DockerClient, image: BundleImage, tags: string[], work: string, node?: string): Promise<string> {
  try {
    const response = await docker.loadImage(loadStream(image, tags, work), {quiet: true})
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(response, (error: unknown, events: {error?: string}[]) => {
        const failed = error ?? events?.find((event) => event.error)?.error
        if (failed) reject(failed instanceof Error ? failed : new Error(String(failed)))
        else resolve()
      }),
    )
  } catch (error) {
    throw dockerError(error, `load image ${image.ref}${node ? ` into ${node}` : ''}`)
  }
  if (!(await inspectImage(docker, image.config))) {
    throw new BundleError(`Docker${node ? ` on ${node}` : ''} reports no image ${image.config} after loading ${image.ref}`, {
      code: 'BUNDLE_LOAD_FAILED',
      hint: 'Check the Docker engine (disk space, docker info) and try again',
    })
  }
  return image.config
}

/** The recipe's verified files, copied to `bundles/<app>/<hash of the recipe parts>`: the same recipe, the same place. */
function keepRecipe(home: string, manifest: BundleManifest, work: string): string {
  const parts = manifest.parts.filter((part) => part.path.startsWith('recipe/'))
  const id = createHash('sha256')
    .update(parts.map((part) => `${part.path} ${part.sha256}`).join('\n'))
    .digest('hex')
    .slice(0, 16)
  const dir = join(home, 'bundles', manifest.app, id)
  if (!existsSync(dir)) {
    mkdirSync(join(home, 'bundles', manifest.app), {recursive: true})
    cpSync(join(work, 'recipe'), dir, {recursive: true})
  }
  return dir
}
