import {DiscodeError} from '../errors.js'

/** kamal-proxy answered `Error: <message>` (exit 1). */
export class ProxyCommandError extends DiscodeError {
  constructor(
    readonly proxyMessage: string,
    options: {hint?: string; code?: string} = {},
  ) {
    super(`kamal-proxy: ${proxyMessage}`, {code: options.code ?? 'PROXY_ERROR', hint: options.hint})
  }
}

export class HealthCheckTimeoutError extends ProxyCommandError {}
export class HostConflictError extends ProxyCommandError {}
export class ServiceNotFoundError extends ProxyCommandError {}

/** Maps kamal-proxy's one-line errors to typed ones; the messages are the proxy's own. */
export function proxyCommandError(stderr: string, exitCode: number): ProxyCommandError {
  const line = stderr.split('\n').find((l) => l.startsWith('Error: '))
  const message = line ? line.slice('Error: '.length).trim() : `exited with code ${exitCode}: ${stderr.trim().split('\n').pop() ?? ''}`
  if (message.startsWith('target failed to become healthy')) {
    return new HealthCheckTimeoutError(message, {
      code: 'UNHEALTHY',
      hint: 'The new release never answered its health check; see its log lines above',
    })
  }
  if (message.startsWith('host settings conflict')) {
    return new HostConflictError(message, {
      code: 'HOST_CONFLICT',
      hint: 'Another app already serves this host name; install with another --set hostname=...',
    })
  }
  if (message.startsWith('service not found')) return new ServiceNotFoundError(message, {code: 'SERVICE_NOT_FOUND'})
  return new ProxyCommandError(message, {hint: 'See "discode proxy logs"'})
}
