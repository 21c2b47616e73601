import {DiscodeError} from '../errors.js'

export class DockerUnavailableError extends DiscodeError {}

/** What dockerode (docker-modem) rejects with: the HTTP status and Docker's JSON body, or a socket error's code. */
interface DockerFailure {
  code?: string
  statusCode?: number
  json?: {message?: string}
  message?: string
}

/** Turns dockerode's errors (HTTP status + JSON body, or socket errors) into DiscodeErrors. */
/** Docker's answer when its default-address-pools have no subnet left for a new network. */
const POOLS_EXHAUSTED = /could not find an available, non-overlapping IPv4 address pool/

export function dockerError(error: unknown, doing: string): DiscodeError {
  if (error instanceof DiscodeError) return error
  const err = (error ?? {}) as DockerFailure
  if (err.code === 'ECONNREFUSED' || err.code === 'ENOENT' || err.code === 'EACCES') {
    const where = process.env.DOCKER_HOST || '/var/run/docker.sock'
    return new DockerUnavailableError(`Docker is not running or not reachable at ${where} (${err.code})`, {
      hint:
        err.code === 'EACCES'
          ? 'Run discode as root or as a member of the docker group'
          : 'Start Docker (e.g. "sudo systemctl start docker") or set DOCKER_HOST',
      code: 'DOCKER_UNAVAILABLE',
      cause: error,
    })
  }
  const detail = (err.json?.message ?? err.message ?? String(error)).replace(/^\(HTTP code \d+\)\s*/, '').split('\n')[0]
  if (POOLS_EXHAUSTED.test(detail)) {
    return new DiscodeError(`Could not ${doing}: Docker has no address range left for another network`, {
      hint: `Each app has its own network, and Docker's default pools hold about 30: add "default-address-pools": [{"base": "10.200.0.0/16", "size": 24}] to /etc/docker/daemon.json and restart Docker (256 networks)`,
      code: 'NETWORK_POOLS_EXHAUSTED',
      cause: error,
    })
  }
  return new DiscodeError(`Could not ${doing}: ${detail}`, {code: 'DOCKER_ERROR', cause: error})
}

/** The HTTP status Docker answered a failed request with (undefined for a socket error). */
export function statusOf(error: unknown): number | undefined {
  return (error as DockerFailure | undefined)?.statusCode
}

export function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404
}
