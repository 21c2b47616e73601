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
  return new DiscodeError(`Could not ${doing}: ${detail}`, {code: 'DOCKER_ERROR', cause: error})
}

/** The HTTP status Docker answered a failed request with (undefined for a socket error). */
export function statusOf(error: unknown): number | undefined {
  return (error as DockerFailure | undefined)?.statusCode
}

export function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404
}
