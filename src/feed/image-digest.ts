/** A pulled image must be exactly the one a signed feed names by digest. */
import {FeedSignatureError} from './signature.js'

const DIGEST = /@(sha256:[a-f0-9]{64})$/

/** The `sha256:...` digest of a `repo@sha256:...` reference, or undefined for a tag. */
export function digestOf(image: string): string | undefined {
  return DIGEST.exec(image)?.[1]
}

/**
 * After a pull: one of Docker's `RepoDigests` of the pulled image (`repo@sha256:...`) must carry the
 * digest the signed feed names, or the image is not the one the vendor signed.
 */
export function assertImageDigest(image: string, repoDigests: string[]): void {
  const digest = digestOf(image)
  if (digest === undefined) {
    throw new FeedSignatureError(`image ${image} is not pinned by digest`, {
      code: 'FEED_IMAGE_NOT_PINNED',
      hint: 'A signed feed must name each image as repo@sha256:<digest>; tell the vendor',
    })
  }
  if (repoDigests.some((reference) => reference.endsWith(`@${digest}`))) return
  const seen = repoDigests.length > 0 ? repoDigests.map((reference) => reference.slice(reference.indexOf('@') + 1)).join(', ') : 'none'
  throw new FeedSignatureError(`the pulled image ${image} does not have the signed digest (Docker reports ${seen})`, {
    code: 'IMAGE_DIGEST_MISMATCH',
    hint: 'The registry served another image than the vendor signed; it was not started. Remove it (docker image rm) and retry, or tell the vendor',
  })
}
