/** Whether a host name or address is this machine: 127.0.0.0/8, ::1 or localhost (pure; node:net only). */
import {isIP} from 'node:net'

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase()
  if (host === 'localhost') return true
  if (isIP(host) === 4) return host.split('.')[0] === '127'
  return isIP(host) === 6 && host === '::1'
}
