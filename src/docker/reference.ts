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
