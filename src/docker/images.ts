import {DiscodeError} from '../errors.js'
import type {DockerClient} from './client.js'
import {dockerError, isNotFound, statusOf} from './errors.js'
import {PullProgressTracker, type PullEvent, type PullProgress} from './pull-progress.js'
import {registryOf} from './reference.js'

export interface ImageInfo {
  id: string
  repoDigests: string[]
  /** The image's STOPSIGNAL, if it names one. */
  stopSignal?: string
}

export interface RegistryAuth {
  username: string
  password: string
  serveraddress: string
}

export async function inspectImage(docker: DockerClient, ref: string): Promise<ImageInfo | undefined> {
  try {
    const info = await docker.getImage(ref).inspect()
    // dockerode's types omit it, Docker's inspect has it.
    const stopSignal = (info.Config as {StopSignal?: string} | undefined)?.StopSignal
    return {id: info.Id, repoDigests: info.RepoDigests ?? [], ...(stopSignal ? {stopSignal} : {})}
  } catch (error) {
    if (isNotFound(error)) return undefined
    throw dockerError(error, `inspect image ${ref}`)
  }
}

export async function removeImage(docker: DockerClient, ref: string): Promise<void> {
  try {
    await docker.getImage(ref).remove()
  } catch (error) {
    // 409: still used by another container (e.g. another app on the same image); that is fine.
    const status = statusOf(error)
    if (status !== 404 && status !== 409) throw dockerError(error, `remove image ${ref}`)
  }
}

/** Pulls an image (with the registry's credentials, if given), reporting the bytes of all layers as they come. */
export async function pullImage(
  docker: DockerClient,
  ref: string,
  options: {onProgress?: (progress: PullProgress) => void; auth?: RegistryAuth} = {},
): Promise<void> {
  let stream: NodeJS.ReadableStream
  try {
    // dockerode splits the reference into fromImage and tag (splitReference says how) and sends the
    // credentials in the X-Registry-Auth header.
    stream = await docker.pull(ref, {authconfig: options.auth})
  } catch (error) {
    throw pullError(ref, error)
  }
  const tracker = new PullProgressTracker()
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: unknown) => (error ? reject(pullError(ref, error)) : resolve()),
      (event: PullEvent) => options.onProgress?.(tracker.add(event)),
    )
  })
}

/** A failed pull as the customer can act on it: unauthorized, unknown image or tag, or unreachable. */
export function pullError(ref: string, error: unknown): DiscodeError {
  const base = dockerError(error, `pull ${ref}`)
  if (base.code === 'DOCKER_UNAVAILABLE') return base
  const registry = registryOf(ref)
  const text = base.message
  if (/unauthorized|authentication required|no basic auth credentials|denied|401/i.test(text)) {
    return new DiscodeError(`The registry ${registry} refused to let discode pull ${ref} (unauthorized)`, {
      hint: 'Give the credentials the vendor sent you: reinstall with --registry-user and --registry-password (or DISCODE_REGISTRY_PASSWORD), or check the license key',
      code: 'REGISTRY_UNAUTHORIZED',
      cause: error,
    })
  }
  const hint = /not found|manifest unknown/i.test(text)
    ? `The vendor's feed names an image the registry does not have; ask the vendor or pick another version with --to`
    : `Check that ${ref} exists and that ${registry} is reachable from this server`
  return new DiscodeError(text, {hint, code: 'PULL_FAILED', cause: error})
}
