/** `discode bundle inspect`: what a bundle holds and whether it verifies, without loading anything. */
import {readHead, verifyParts} from './archive.js'
import {BundleError} from './errors.js'
import {type BundleManifest, keyFingerprint, parseManifest, verifyManifest} from './manifest.js'

export interface BundleReport {
  file: string
  app: string
  published: string
  releases: {version: string; image: string}[]
  images: {ref: string; id: string; layers: number; bytes: number}[]
  /** The vendor plugin (recipes and hooks) the bundle carries. */
  plugin?: {name: string; version: string}
  bytes: number
  /** The key checked against (`--key`, or the installed app's), or the bundle's own when none was given. */
  key: {fingerprint: string; given: boolean}
  signature: {ok: boolean; error?: string}
  parts: {ok: boolean; count: number; error?: string}
}

export async function inspectBundle(file: string, key?: string, onProgress?: (done: number) => void): Promise<BundleReport> {
  const head = await readHead(file)
  const unverified = parseManifest(head.manifest, file)
  const checkedKey = key ?? unverified.feedKey
  let manifest: BundleManifest = unverified
  const signature: BundleReport['signature'] = {ok: true}
  try {
    manifest = verifyManifest(head.manifest, head.signature, checkedKey, file)
  } catch (error) {
    if (!(error instanceof BundleError) && !(error instanceof Error)) throw error
    Object.assign(signature, {ok: false, error: error.message})
  }
  const parts: BundleReport['parts'] = {ok: true, count: manifest.parts.length}
  try {
    await verifyParts(file, manifest, {onProgress})
  } catch (error) {
    if (!(error instanceof BundleError)) throw error
    Object.assign(parts, {ok: false, error: error.message})
  }
  return {file, ...summary(manifest), key: {fingerprint: keyFingerprint(checkedKey), given: key !== undefined}, signature, parts}
}

function summary(manifest: BundleManifest): Pick<BundleReport, 'app' | 'published' | 'releases' | 'images' | 'bytes' | 'plugin'> {
  const sizes = new Map(manifest.parts.map((part) => [`sha256:${part.sha256}`, part.size]))
  return {
    app: manifest.app,
    published: manifest.published,
    releases: manifest.releases.map((release) => ({version: String(release.version), image: String(release.image)})),
    images: manifest.images.map((image) => ({
      ref: image.ref,
      id: image.config,
      layers: image.layers.length,
      bytes: [image.config, ...image.layers].reduce((sum, digest) => sum + (sizes.get(digest) ?? 0), 0),
    })),
    bytes: manifest.parts.reduce((sum, part) => sum + part.size, 0),
    ...(manifest.plugin ? {plugin: {name: manifest.plugin.name, version: manifest.plugin.version}} : {}),
  }
}
