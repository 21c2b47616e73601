/**
 * The digest of a pushed image, read from its registry over the Registry HTTP API v2 (no Docker, no
 * buildx): `HEAD /v2/REPO/manifests/TAG` with the manifest media types accepted, answered with
 * `Docker-Content-Digest`. Basic or bearer-token auth with the vendor's credentials; plain HTTP only
 * for a registry on a loopback address (Docker's rule), HTTPS otherwise.
 */
import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'

import {MANIFEST_TYPES, registryParts, registryUrl} from '../docker/reference.js'
import {DiscodeError} from '../errors.js'

export interface RegistryCredentials {
  username: string
  password: string
}

export interface DigestOptions {
  credentials?: RegistryCredentials
  timeoutMs?: number
}

const DIGEST = /^sha256:[a-f0-9]{64}$/

/**
 * The credentials `docker login` kept for `registry` in Docker's config.json (`auths.HOST.auth`,
 * base64 `user:password`), or undefined. Credential helpers (credsStore) are not read.
 */
export function dockerConfigCredentials(registry: string, config: unknown): RegistryCredentials | undefined {
  const auths = (config as {auths?: Record<string, {auth?: string}>} | undefined)?.auths ?? {}
  const keys =
    registry === 'docker.io'
      ? ['https://index.docker.io/v1/', 'docker.io', 'index.docker.io']
      : [registry, `https://${registry}`, `http://${registry}`]
  const entry = keys.map((key) => auths[key] ?? auths[`${key}/`]).find((value) => value?.auth)
  if (!entry?.auth) return undefined
  const decoded = Buffer.from(entry.auth, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon > 0 ? {username: decoded.slice(0, colon), password: decoded.slice(colon + 1)} : undefined
}

/** Docker's config.json ($DOCKER_CONFIG/config.json or ~/.docker/config.json), or undefined. */
export function readDockerConfig(env: NodeJS.ProcessEnv = process.env): unknown {
  try {
    return JSON.parse(readFileSync(join(env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json'), 'utf8'))
  } catch {
    return undefined
  }
}

/** The parameters of a `WWW-Authenticate: Bearer realm="...",service="...",scope="..."` challenge. */
export function parseChallenge(header: string | null): {scheme: string; params: Record<string, string>} | undefined {
  if (!header) return undefined
  const match = /^(\w+)\s*(.*)$/.exec(header.trim())
  if (!match) return undefined
  const params = Object.fromEntries([...match[2].matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1].toLowerCase(), m[2]]))
  return {scheme: match[1].toLowerCase(), params}
}

function isLoopbackUrl(url: URL): boolean {
  return url.hostname === 'localhost' || /^127\./.test(url.hostname) || url.hostname === '[::1]'
}

function basic(credentials: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
}

function registryError(message: string, hint: string, code: string, cause?: unknown): DiscodeError {
  return new DiscodeError(message, {hint, code, cause})
}

/** A bearer token from the challenge's realm (HTTPS, or HTTP on loopback), with the credentials if any. */
async function bearerToken(params: Record<string, string>, options: DigestOptions): Promise<string> {
  let realm: URL
  try {
    realm = new URL(params.realm)
  } catch {
    throw registryError(
      `the registry's token realm ${JSON.stringify(params.realm)} is not a URL`,
      'Check the registry',
      'REGISTRY_BAD_CHALLENGE',
    )
  }
  if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && isLoopbackUrl(realm)))
    throw registryError(
      `the registry's token realm ${realm.origin} is not HTTPS`,
      'discode sends credentials over HTTPS only',
      'REGISTRY_BAD_CHALLENGE',
    )
  if (params.service) realm.searchParams.set('service', params.service)
  if (params.scope) realm.searchParams.set('scope', params.scope)
  const headers: Record<string, string> = options.credentials ? {authorization: basic(options.credentials)} : {}
  const response = await fetch(realm, {headers, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000)})
  if (!response.ok) {
    await response.body?.cancel().catch(() => {})
    throw unauthorized(realm.host, options)
  }
  const body = (await response.json()) as {token?: string; access_token?: string}
  const token = body.token ?? body.access_token
  if (!token)
    throw registryError(`the registry's token service ${realm.host} gave no token`, 'Check the registry', 'REGISTRY_BAD_CHALLENGE')
  return token
}

function unauthorized(registry: string, options: DigestOptions): DiscodeError {
  return registryError(
    `the registry ${registry} refused to show the manifest (unauthorized)`,
    options.credentials
      ? 'Check the user name (--registry-user) and the password or token (DISCODE_REGISTRY_PASSWORD)'
      : 'Give credentials that may pull: --registry-user NAME with DISCODE_REGISTRY_PASSWORD, or `docker login REGISTRY` first',
    'REGISTRY_UNAUTHORIZED',
  )
}

/** `repo:tag` (or `repo@sha256:...`) → the manifest's `sha256:...` digest, as the registry reports it. */
export async function registryDigest(image: string, options: DigestOptions = {}): Promise<string> {
  const {registry, repository, reference} = registryParts(image)
  const base = registryUrl(image)
  if (!base)
    throw registryError(`${image} is not an image reference`, 'Give REPO:TAG, e.g. registry.example.com/acme/shop:1.0.0', 'BAD_IMAGE')
  const url = `${base}${repository}/manifests/${reference}`
  const request = async (method: 'HEAD' | 'GET', authorization?: string) => {
    try {
      const headers: Record<string, string> = {accept: MANIFEST_TYPES, ...(authorization ? {authorization} : {})}
      return await fetch(url, {method, headers, redirect: 'follow', signal: AbortSignal.timeout(options.timeoutMs ?? 10_000)})
    } catch (error) {
      throw registryError(
        `cannot reach the registry ${registry}: ${(error as Error).message}`,
        `Check that ${base} answers from here`,
        'REGISTRY_UNREACHABLE',
        error,
      )
    }
  }
  let authorization: string | undefined
  let response = await request('HEAD')
  if (response.status === 401) {
    const challenge = parseChallenge(response.headers.get('www-authenticate'))
    if (challenge?.scheme === 'bearer' && challenge.params.realm) authorization = `Bearer ${await bearerToken(challenge.params, options)}`
    else if (options.credentials) authorization = basic(options.credentials)
    else throw unauthorized(registry, options)
    response = await request('HEAD', authorization)
    if (response.status === 401) throw unauthorized(registry, options)
  }
  if (response.status === 404)
    throw registryError(
      `${registry} has no ${repository}:${reference}`,
      `Push it first (docker push ${image}), then add it`,
      'IMAGE_NOT_FOUND',
    )
  if (!response.ok)
    throw registryError(
      `the registry ${registry} answered ${response.status} for ${repository}:${reference}`,
      `Check that ${image} was pushed`,
      'REGISTRY_ERROR',
    )
  let digest = response.headers.get('docker-content-digest') ?? undefined
  if (!digest) {
    // Some registries leave the header off HEAD answers: the digest is that of the manifest's bytes.
    const body = Buffer.from(await (await request('GET', authorization)).arrayBuffer())
    digest = `sha256:${createHash('sha256').update(body).digest('hex')}`
  }
  if (!DIGEST.test(digest))
    throw registryError(
      `the registry ${registry} reported the digest ${JSON.stringify(digest)}, not sha256:<64 hex>`,
      'Check the registry',
      'REGISTRY_BAD_DIGEST',
    )
  return digest
}
