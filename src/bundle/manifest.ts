/**
 * The signed manifest of an air-gapped bundle: what the file holds (the releases as the vendor's feed
 * lists them, the images by digest, the recipe's files) and the sha256 and size of every other part.
 * Its bytes are made from the inputs only (no timestamps, fixed key order), and signed with the
 * vendor's feed key (ed25519, node:crypto), so a customer who trusts the recipe's `feedKey` trusts
 * every byte the manifest names.
 */
import {createHash, type KeyObject} from 'node:crypto'
import {z} from 'zod'

import {parsePublicKey, rawPublicKey} from '../feed/keys.js'
import {strictBase64} from '../keys/public-key.js'
import {checkSignature, signBytes} from '../keys/signature.js'
import {check} from '../recipes/issues.js'
import {BundleError} from './errors.js'

export const BUNDLE_FORMAT = 1
export const MANIFEST_FILE = 'manifest.json'
export const SIGNATURE_FILE = 'manifest.sig'

const SHA256 = /^sha256:[a-f0-9]{64}$/
const HEX = /^[a-f0-9]{64}$/
/**
 * A part's path: `blobs/sha256/<hex>`, `recipe/<relative path>` or `plugin/<file>.tgz`, never absolute,
 * never `..`.
 */
const PART_PATH =
  /^(?:blobs\/sha256\/[a-f0-9]{64}|recipe\/(?!.*(?:^|\/)\.\.?(?:\/|$))[A-Za-z0-9._/-]+|plugin\/[A-Za-z0-9_-][A-Za-z0-9._-]*\.tgz)$/

const PartSchema = z.object({path: z.string().regex(PART_PATH), sha256: z.string().regex(HEX), size: z.number().int().nonnegative()})
const ImageSchema = z.object({
  /** The reference the recipe or feed names: `repo@sha256:...` or `repo:tag`. */
  ref: z.string().min(1),
  /** The image id (the config's sha256): what Docker runs after loading it. */
  config: z.string().regex(SHA256),
  /** Uncompressed layer tars, bottom first (their sha256 are the config's diff ids). */
  layers: z.array(z.string().regex(SHA256)),
})

export const ManifestSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  /** The recipe's name. */
  app: z.string().min(1),
  /** The signer's public key (base64, the recipe's feedKey): shown as a fingerprint on first install. */
  feedKey: z.string().min(1),
  /** The source feed's `published`: replay and downgrade protection as for an online feed. */
  published: z.string().min(1),
  /** The feed entries of the bundled releases, as the vendor's feed lists them. */
  releases: z.array(z.record(z.string(), z.unknown())).min(1),
  images: z.array(ImageSchema),
  parts: z.array(PartSchema),
  /** The vendor plugin (npm tarball) the recipe came from, so that its discode:* hooks come along. */
  plugin: z.object({name: z.string().min(1), version: z.string().min(1), path: z.string().regex(/^plugin\//)}).optional(),
})

export type BundleManifest = z.output<typeof ManifestSchema>
export type BundlePart = BundleManifest['parts'][number]
export type BundleImage = BundleManifest['images'][number]

/** The manifest's bytes: fixed key order (as built), parts and images sorted, 2-space JSON. */
export function manifestBytes(manifest: BundleManifest): Buffer {
  const sorted: BundleManifest = {
    ...manifest,
    images: [...manifest.images].sort((a, b) => a.ref.localeCompare(b.ref)),
    parts: [...manifest.parts].sort((a, b) => a.path.localeCompare(b.path)),
  }
  return Buffer.from(`${JSON.stringify(sorted, null, 2)}\n`)
}

/** The base64 ed25519 signature over the manifest's bytes (ed25519 is deterministic: same bytes, same signature). */
export function signManifest(bytes: Buffer, privateKey: KeyObject): string {
  return signBytes(bytes, privateKey)
}

/** `SHA256:<base64>` of the raw public key, as ssh shows keys: what a customer compares with the vendor's. */
export function keyFingerprint(publicKeyB64: string): string {
  const raw = strictBase64(publicKeyB64) ?? Buffer.from(publicKeyB64)
  return `SHA256:${createHash('sha256').update(raw).digest('base64').replace(/=+$/, '')}`
}

export {rawPublicKey}

/**
 * The manifest, once its signature over the exact bytes matches `publicKeyB64`; only then is it parsed.
 * A wrong key, a changed manifest or a malformed one: a BundleError naming the bundle.
 */
export function verifyManifest(bytes: Buffer, signature: string, publicKeyB64: string, file: string): BundleManifest {
  if (checkSignature(bytes, signature, parsePublicKey(publicKeyB64)) !== 'ok') {
    throw new BundleError(`the bundle ${file} is not signed by the vendor's key (${keyFingerprint(publicKeyB64)})`, {
      code: 'BUNDLE_SIGNATURE_MISMATCH',
      hint: 'Its manifest was changed after signing, or signed with another key: nothing was loaded. Ask the vendor for the bundle again, or check the key',
    })
  }
  return parseManifest(bytes, file)
}

/** Parses (without trusting) a manifest: `bundle inspect` shows an unverified one too. */
export function parseManifest(bytes: Buffer, file: string): BundleManifest {
  let data: unknown
  try {
    data = JSON.parse(bytes.toString('utf8'))
  } catch (error) {
    throw new BundleError(`the bundle ${file} has a manifest that is not JSON`, {
      code: 'BUNDLE_INVALID',
      hint: 'Ask the vendor for the bundle again',
      cause: error,
    })
  }
  const result = check(ManifestSchema, data)
  if (!result.ok) {
    const [first] = result.problems
    throw new BundleError(`the bundle ${file} has an invalid manifest: ${first.path ? `${first.path}: ` : ''}${first.message}`, {
      code: 'BUNDLE_INVALID',
      hint: 'It was made by another discode version, or damaged; ask the vendor for the bundle again',
    })
  }
  return result.value
}

/** `blobs/sha256/<hex>` of a `sha256:<hex>` digest. */
export function blobPath(digest: string): string {
  return `blobs/sha256/${digest.replace(/^sha256:/, '')}`
}
