import {credentialsFor, inspectImage, pullImage} from '../docker/docker.js'
import {DiscodeError} from '../errors.js'
import {assertImageDigest, digestOf} from '../feed/image-digest.js'
import {type Operation, step} from './operation.js'

/**
 * Pulls the release image (a real pull, with progress) and returns Docker's id for it. Done before
 * anything is touched, so a bad image reference changes nothing.
 */
export async function pullRelease(
  op: Operation,
  image: string,
  options: {
    requireDigest?: boolean
    credentials?: {username: string; password: string}
    /** The recipe's image repository: the credentials go to its registry only. */
    recipeImage?: string
    /** Images loaded from a verified bundle (reference → id): used as they are, never pulled. */
    loaded?: Record<string, string>
  } = {},
): Promise<string> {
  const {docker} = op.engine
  return step(op, 'pull', `Pulling ${image}`, async () => {
    const loaded = options.loaded?.[image]
    if (loaded && (await inspectImage(docker, loaded))) return loaded
    const pinned = digestOf(image) !== undefined
    const present = pinned ? await inspectImage(docker, image) : undefined
    const auth = credentialsFor(image, options.recipeImage ?? '', options.credentials)
    if (!present) await pullImage(docker, image, {auth, onProgress: (p) => op.reporter.pullProgress(image, p)})
    const info = present ?? (await inspectImage(docker, image))
    if (!info) throw new DiscodeError(`Docker reports no image ${image} after pulling it`, {code: 'PULL_FAILED'})
    // A signed feed pins each image by digest: what runs must be exactly what the vendor signed.
    if (options.requireDigest) assertImageDigest(image, info.repoDigests)
    return info.id
  })
}
