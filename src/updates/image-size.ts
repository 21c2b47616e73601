/**
 * How many bytes pulling a release image would download, when that can be known cheaply: one or two
 * manifest requests to the image's registry (Registry API v2), no layer is fetched. Anything else
 * (Docker Hub's token dance, a timeout, an unknown format) is `null`, "unknown", never an error: a
 * plan must not fail because a size could not be read.
 */
import {MANIFEST_TYPES, registryParts, registryUrl} from '../docker/reference.js'

interface Descriptor {
  digest: string
  size: number
  platform?: {architecture?: string; os?: string}
}
interface Manifest {
  manifests?: Descriptor[]
  config?: Descriptor
  layers?: Descriptor[]
}

/** The manifest of this host's platform in an index, or undefined when the document is no index. */
export function platformDescriptor(manifest: Manifest, arch = dockerArch(process.arch)): Descriptor | undefined {
  if (!manifest.manifests) return undefined
  return manifest.manifests.find((entry) => entry.platform?.os === 'linux' && entry.platform.architecture === arch)
}

/** Config plus layers: what a pull downloads (compressed sizes). */
export function manifestBytes(manifest: Manifest): number | null {
  if (!Array.isArray(manifest.layers)) return null
  const sizes = [manifest.config?.size ?? 0, ...manifest.layers.map((layer) => layer.size)]
  return sizes.every((size) => Number.isFinite(size)) ? sizes.reduce((a, b) => a + b, 0) : null
}

export async function imageDownloadBytes(
  image: string,
  options: {credentials?: {username: string; password: string}; timeoutMs?: number} = {},
): Promise<number | null> {
  const {registry, repository, reference} = registryParts(image)
  // Docker Hub needs a token per repository: not cheap, and tests may not reach it anyway.
  const api = registryUrl(image)
  if (registry === 'docker.io' || !api) return null
  const base = `${api}${repository}/manifests/`
  const headers: Record<string, string> = {accept: MANIFEST_TYPES}
  if (options.credentials)
    headers.authorization = `Basic ${Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64')}`
  const get = async (ref: string): Promise<Manifest | undefined> => {
    const response = await fetch(base + ref, {headers, signal: AbortSignal.timeout(options.timeoutMs ?? 3000)})
    if (!response.ok) {
      await response.body?.cancel().catch(() => {})
      return undefined
    }
    return (await response.json()) as Manifest
  }
  try {
    let manifest = await get(reference)
    const platform = manifest && platformDescriptor(manifest)
    if (manifest?.manifests) manifest = platform ? await get(platform.digest) : undefined
    return manifest ? manifestBytes(manifest) : null
  } catch {
    return null
  }
}

function dockerArch(arch: string): string {
  return ({x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x'} as Record<string, string>)[arch] ?? arch
}
