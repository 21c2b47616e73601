/**
 * `fromImage` and `tag` of a pull, split as dockerode splits them: a digest after `@` goes as the
 * tag; a colon in the registry host (a port) is not a tag; no tag means `latest`.
 */
export function splitReference(ref: string): {repository: string; tag: string} {
  const digest = ref.indexOf('@')
  const separator = digest >= 0 ? digest : ref.lastIndexOf(':')
  const tag = separator >= 0 ? ref.slice(separator + 1) : ''
  if (separator < 0 || tag.includes('/')) return {repository: ref, tag: 'latest'}
  return {repository: ref.slice(0, separator), tag}
}

/** The registry host of an image reference (Docker's rule: a first part with a dot, colon or "localhost"). */
export function registryOf(ref: string): string {
  const first = ref.split('/')[0]
  return ref.includes('/') && (/[.:]/.test(first) || first === 'localhost') ? first : 'docker.io'
}

/**
 * Registry credentials go only to the recipe's own registry: for an image elsewhere (an accessory's
 * public image, a feed or snapshot naming another registry) there are none.
 */
export function credentialsFor<T extends object>(
  image: string,
  recipeImage: string,
  credentials: T | undefined,
): (T & {serveraddress: string}) | undefined {
  if (!credentials || registryHost(image) !== registryHost(recipeImage)) return undefined
  return {...credentials, serveraddress: registryOf(image)}
}

/** Docker Hub's other names: the same registry as `docker.io`. */
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io'])

/** The registry host as Docker compares it: lowercase, Docker Hub's aliases as `docker.io`. */
export function registryHost(ref: string): string {
  const host = registryOf(ref).toLowerCase()
  return DOCKER_HUB_ALIASES.has(host) ? 'docker.io' : host
}

/**
 * The repository an image reference names, normalized as Docker does, so two spellings of one
 * repository compare equal: `registry/path` without tag or digest, Docker Hub's `library/` filled in
 * (`postgres:16` → `docker.io/library/postgres`, `ghcr.io/Acme/x` keeps its path's case: Docker refuses
 * uppercase paths anyway).
 */
export function repositoryOf(ref: string): string {
  const {repository} = splitReference(ref.split('@')[0])
  const registry = registryOf(repository)
  const path = registry === 'docker.io' && !repository.startsWith('docker.io/') ? repository : repository.slice(registry.length + 1)
  const host = registryHost(repository)
  return `${host}/${host === 'docker.io' && !path.includes('/') ? `library/${path}` : path}`
}

/** What a registry may answer a manifest request with (Registry API v2): indexes first, then single manifests. */
export const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ')

/** Registry, repository and tag-or-digest of an image reference (`reg:5000/a/b:1.0`, `a/b@sha256:...`), as the Registry API names them. */
export function registryParts(image: string): {registry: string; repository: string; reference: string} {
  const registry = registryOf(image)
  let rest = registry === 'docker.io' && !image.startsWith('docker.io/') ? image : image.slice(registry.length + 1)
  let reference = 'latest'
  const at = rest.indexOf('@')
  if (at >= 0) {
    reference = rest.slice(at + 1)
    rest = rest.slice(0, at)
  } else {
    const colon = rest.lastIndexOf(':')
    if (colon > rest.lastIndexOf('/')) {
      reference = rest.slice(colon + 1)
      rest = rest.slice(0, colon)
    }
  }
  if (registry === 'docker.io' && !rest.includes('/')) rest = `library/${rest}`
  return {registry, repository: rest, reference}
}

/**
 * The registry's API root, by Docker's rule: a registry on a loopback host speaks plain HTTP, any
 * other HTTPS; Docker Hub has its own host. Undefined for what is no reference yet (a template).
 */
export function registryUrl(image: string): string | undefined {
  if (image.includes('{{')) return undefined
  const host = registryOf(image)
  if (host === 'docker.io') return 'https://registry-1.docker.io/v2/'
  const name = host.replace(/:\d+$/, '')
  const loopback = name === 'localhost' || /^127\./.test(name) || name === '[::1]'
  return `${loopback ? 'http' : 'https'}://${host}/v2/`
}
