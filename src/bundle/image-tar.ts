/**
 * Images in a bundle: a `docker save` tar split into content-addressed blobs (the config, each layer
 * tar), so a layer two releases share is stored once; and the `docker load` tar put back together
 * from them. Both streamed: a layer goes from Docker to a file, and from a file to Docker.
 */
import {createHash} from 'node:crypto'
import {createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync} from 'node:fs'
import {posix} from 'node:path'
import {join} from 'node:path'
import {PassThrough, type Readable} from 'node:stream'
import {pipeline} from 'node:stream/promises'

import {extract, pack} from 'tar-stream'

import {BundleError} from './errors.js'
import {entryHeader} from './archive.js'
import {blobPath, type BundleImage} from './manifest.js'

/** `docker save`'s own index: one entry per image saved. */
interface SaveIndexEntry {
  Config: string
  RepoTags?: string[] | null
  Layers: string[]
}

/** Files of a `docker save` tar that are not content (the legacy v1 files, the OCI index). */
const SKIPPED = /(?:^|\/)(?:json|VERSION|repositories|index\.json|oci-layout)$/

/**
 * Reads one image's `docker save` stream, writing each content file to `dir/blobs/sha256/<hex>` (a
 * blob already there is kept: a shared layer), and returns the image's config and layers by digest.
 */
export async function splitSave(stream: NodeJS.ReadableStream, dir: string, ref: string): Promise<Omit<BundleImage, 'ref'>> {
  const reader = extract()
  const digests = new Map<string, string>()
  const links = new Map<string, string>()
  let index: SaveIndexEntry[] | undefined
  mkdirSync(join(dir, 'blobs', 'sha256'), {recursive: true})
  const piped = pipeline(stream as Readable, reader)
  let count = 0
  for await (const entry of reader) {
    const {name, type, linkname} = entry.header
    if (type === 'symlink' || type === 'link') {
      links.set(name, type === 'symlink' ? posix.join(posix.dirname(name), linkname ?? '') : (linkname ?? ''))
      entry.resume()
    } else if (type !== 'file' || SKIPPED.test(name)) entry.resume()
    else if (name === 'manifest.json') {
      const chunks: Buffer[] = []
      for await (const chunk of entry) chunks.push(chunk as Buffer)
      index = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SaveIndexEntry[]
    } else digests.set(name, await storeBlob(entry, dir, `tmp-${count++}`))
  }
  await piped
  const image = index?.[0]
  const digestOf = (name: string) => digests.get(name) ?? digests.get(links.get(name) ?? '')
  const config = image && digestOf(image.Config)
  const layers = image?.Layers.map(digestOf) ?? []
  if (!config || layers.some((layer) => layer === undefined)) {
    throw new BundleError(`docker save of ${ref} gave a tar discode does not understand`, {
      code: 'BUNDLE_SAVE_UNREADABLE',
      hint: 'Its manifest.json does not name files it holds; check the Docker version',
    })
  }
  return {config, layers: layers as string[]}
}

async function storeBlob(entry: AsyncIterable<unknown>, dir: string, tmpName: string): Promise<string> {
  const tmp = join(dir, tmpName)
  const hash = createHash('sha256')
  const out = createWriteStream(tmp)
  for await (const data of entry) {
    const chunk = data as Buffer
    hash.update(chunk)
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())))
  const digest = `sha256:${hash.digest('hex')}`
  const target = join(dir, blobPath(digest))
  if (existsSync(target)) rmSync(tmp)
  else renameSync(tmp, target)
  return digest
}

/** `docker load`'s index for one image: the config and layers by the names loadEntries gives them. */
export function loadIndex(image: Pick<BundleImage, 'config' | 'layers'>, tags: string[]): SaveIndexEntry[] {
  return [{Config: `${hex(image.config)}.json`, RepoTags: tags, Layers: image.layers.map((layer) => `${hex(layer)}/layer.tar`)}]
}

/** The files of the load tar (name, blob), each blob once, before the index. */
export function loadEntries(image: Pick<BundleImage, 'config' | 'layers'>): {name: string; blob: string}[] {
  const layers = [...new Set(image.layers)].map((layer) => ({name: `${hex(layer)}/layer.tar`, blob: blobPath(layer)}))
  return [...layers, {name: `${hex(image.config)}.json`, blob: blobPath(image.config)}]
}

function hex(digest: string): string {
  return digest.replace(/^sha256:/, '')
}

/** The `docker load` tar of one image, streamed from its verified blobs under `dir`. */
export function loadStream(image: Pick<BundleImage, 'config' | 'layers'>, tags: string[], dir: string): Readable {
  const archive = pack()
  const out = new PassThrough()
  void (async () => {
    for (const {name, blob} of loadEntries(image)) {
      const path = join(dir, blob)
      await pipeline(createReadStream(path), archive.entry(entryHeader(name, statSync(path).size)))
    }
    const index = Buffer.from(JSON.stringify(loadIndex(image, tags)))
    archive.entry(entryHeader('manifest.json', index.length), index)
    archive.finalize()
  })().catch((error: unknown) => archive.destroy(error as Error))
  archive.on('error', (error) => out.destroy(error))
  return archive.pipe(out)
}
