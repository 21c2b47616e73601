/**
 * `discode bundle create` (vendor side): the recipe's files, the chosen releases' feed entries and
 * every image they need, read by digest from the local Docker engine (`docker save` through its API),
 * into one signed, reproducible file.
 */
import {createHash} from 'node:crypto'
import {createReadStream, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync} from 'node:fs'
import {basename, dirname, join, relative} from 'node:path'

import type {DockerClient} from '../docker/docker.js'
import {inspectImage} from '../docker/docker.js'
import {fetchFeedBytes} from '../feed/feed.js'
import {digestOf} from '../feed/image-digest.js'
import {rawPublicKey, readPrivateKey} from '../feed/keys.js'
import {fsReason} from '../feed/signature.js'
import type {ResolvedRecipe} from '../recipes/resolve.js'
import {type PartSource, writeBundle} from './archive.js'
import {imageRefs, selectReleases, type SourceFeed} from './contents.js'
import {BundleError} from './errors.js'
import {splitSave} from './image-tar.js'
import {type PluginSource, pluginPart} from './plugin.js'
import {BUNDLE_FORMAT, type BundleImage, type BundleManifest, blobPath, manifestBytes, signManifest} from './manifest.js'

export interface CreateBundleOptions {
  recipe: ResolvedRecipe
  /** The vendor plugin the recipe comes from (see plugin.ts): its tarball goes into the bundle. */
  plugin?: PluginSource
  versions: string[]
  privateKeyPath: string
  out: string
  /** The signed feed (a file or URL); default: the recipe's feed URL. */
  feed?: string
  proxyImage?: string
  onImage?: (ref: string, index: number, total: number) => void
  warn?: (message: string) => void
}

export interface CreatedBundle {
  file: string
  size: number
  releases: string[]
  images: BundleImage[]
  parts: number
}

export async function createBundle(docker: DockerClient, options: CreateBundleOptions): Promise<CreatedBundle> {
  const key = readPrivateKey(options.privateKeyPath)
  const source = options.feed ?? options.recipe.raw.feed
  const {releases, published} = selectReleases(await readSourceFeed(source), options.versions, source)
  const {refs, skipped} = imageRefs(releases, options.recipe.raw, options.proxyImage)
  for (const image of skipped) options.warn?.(`accessory image ${image} is templated: it is not in the bundle`)
  const work = mkdtempSync(join(dirname(options.out), `.${basename(options.out)}.parts-`))
  try {
    const images: BundleImage[] = []
    for (const [index, ref] of refs.entries()) {
      options.onImage?.(ref, index, refs.length)
      images.push({ref, ...(await saveImage(docker, ref, work))})
    }
    const blobs = [...new Set(images.flatMap((image) => [image.config, ...image.layers]))].map((digest) => blobPart(work, digest))
    const plugin = options.plugin && pluginPart(options.plugin)
    const parts = [...blobs, ...recipeParts(options.recipe.dir), ...(plugin ? [plugin] : [])]
    const manifest: BundleManifest = {
      format: BUNDLE_FORMAT,
      app: options.recipe.raw.name,
      feedKey: rawPublicKey(key),
      published,
      releases,
      images,
      parts: parts.map(({path, sha256, size}) => ({path, sha256, size})),
      ...(plugin ? {plugin: {name: plugin.name, version: plugin.version, path: plugin.path}} : {}),
    }
    const bytes = manifestBytes(manifest)
    const partial = join(work, 'bundle')
    await writeBundle(partial, {manifest: bytes, signature: signManifest(bytes, key)}, parts)
    renameSync(partial, options.out)
    return {
      file: options.out,
      size: statSync(options.out).size,
      releases: releases.map((r) => r.version as string),
      images,
      parts: parts.length,
    }
  } finally {
    rmSync(work, {recursive: true, force: true})
  }
}

async function readSourceFeed(source: string): Promise<SourceFeed> {
  let bytes: Buffer
  if (/^https?:\/\//.test(source)) bytes = await fetchFeedBytes(source)
  else {
    try {
      bytes = readFileSync(source)
    } catch (error) {
      throw new BundleError(`cannot read the feed ${source}: ${fsReason(error)}`, {
        code: 'BUNDLE_FEED_UNREADABLE',
        hint: 'Give the signed feed file with --feed',
        cause: error,
      })
    }
  }
  try {
    return JSON.parse(bytes.toString('utf8')) as SourceFeed
  } catch (error) {
    throw new BundleError(`the feed ${source} is not JSON`, {
      code: 'BUNDLE_FEED_UNREADABLE',
      hint: 'Give the signed feed file with --feed',
      cause: error,
    })
  }
}

/** The image's id on this engine: by its reference, or (a digest) any repository's copy of that manifest. */
async function findImage(docker: DockerClient, ref: string): Promise<string> {
  const found = await inspectImage(docker, ref)
  if (found) return found.id
  const digest = digestOf(ref)
  if (digest) {
    const images = await docker.listImages({digests: true})
    const copy = images.find((image) => (image.RepoDigests ?? []).some((repoDigest) => repoDigest.endsWith(`@${digest}`)))
    if (copy) return copy.Id
  }
  throw new BundleError(`image ${ref} is not on this Docker engine`, {
    code: 'BUNDLE_IMAGE_MISSING',
    hint: `Pull it first (docker pull ${ref}); discode bundle reads images from the local engine only`,
  })
}

async function saveImage(docker: DockerClient, ref: string, work: string): Promise<Omit<BundleImage, 'ref'>> {
  const id = await findImage(docker, ref)
  const saved = await splitSave(await docker.getImage(id).get(), work, ref)
  if (saved.config !== id) {
    throw new BundleError(`docker save of ${ref} gave the config ${saved.config}, not the image ${id}`, {
      code: 'BUNDLE_SAVE_UNREADABLE',
      hint: 'The image changed while it was read; try again',
    })
  }
  return saved
}

function blobPart(work: string, digest: string): PartSource {
  const path = blobPath(digest)
  const file = join(work, path)
  return {path, sha256: digest.slice('sha256:'.length), size: statSync(file).size, open: () => createReadStream(file)}
}

/** Every regular file of the recipe's directory (dot files aside), as `recipe/<relative path>`. */
export function recipeParts(dir: string): PartSource[] {
  const files: string[] = []
  const walk = (at: string) => {
    for (const entry of readdirSync(at, {withFileTypes: true})) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue
      const path = join(at, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.isFile()) files.push(path)
    }
  }
  walk(dir)
  return files.sort().map((file) => {
    const bytes = readFileSync(file)
    return {
      path: `recipe/${relative(dir, file).split('\\').join('/')}`,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
      open: () => createReadStream(file),
    }
  })
}
