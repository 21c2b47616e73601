/**
 * Facts about the host for preflight and doctor: free disk where Docker keeps its data, who holds a
 * port, whether a URL answers (and the server's clock). Each is gathered here; the verdicts are in
 * preflight-rules.ts.
 */
import {statfs} from 'node:fs/promises'
import {createServer} from 'node:net'

import type {ContainerInspect} from '../docker/docker.js'
import type {DiskFacts, PortHolder, Probe} from './preflight-rules.js'

/** Docker on this machine (a unix socket), so its paths and ports are this machine's. */
export function dockerIsLocal(env: NodeJS.ProcessEnv = process.env): boolean {
  return !env.DOCKER_HOST || env.DOCKER_HOST.startsWith('unix://')
}

/** statfs of Docker's data directory, when it is on this machine and readable. */
export async function diskFacts(path: string): Promise<DiskFacts> {
  if (!dockerIsLocal()) return {path}
  try {
    const stats = await statfs(path)
    return {path, free: stats.bavail * stats.bsize, total: stats.blocks * stats.bsize}
  } catch {
    return {path}
  }
}

/** Whether the proxy container publishes `port` (then it holds it, which is as it should be). */
export function publishedBy(container: ContainerInspect | undefined, port: number): boolean {
  if (!container?.State?.Running) return false
  const bindings = Object.values(container.HostConfig?.PortBindings ?? {}) as {HostPort?: string}[][]
  return bindings.some((list) => (list ?? []).some((b) => b.HostPort === String(port)))
}

/** Tries to listen where the proxy would publish: in use means another program (or container) has it. */
export async function portHolder(port: number, bind: string | undefined, proxy: ContainerInspect | undefined): Promise<PortHolder> {
  if (publishedBy(proxy, port)) return 'proxy'
  if (!dockerIsLocal()) return 'unknown'
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE' ? 'other' : 'unknown'))
    server.listen({port, host: bind ?? '0.0.0.0', exclusive: true}, () => server.close(() => resolve('free')))
  })
}

/** One HEAD request with a short timeout: any HTTP answer counts, with the server's Date header. */
export async function probeUrl(url: string, timeoutMs = 5000): Promise<Probe> {
  try {
    const response = await fetch(url, {method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs)})
    return {ok: true, status: response.status, date: response.headers.get('date') ?? undefined}
  } catch (error) {
    return {ok: false, error: describeFetchError(error)}
  }
}

function describeFetchError(error: unknown): string {
  const err = error as {name?: string; message?: string; cause?: {code?: string; message?: string}}
  if (err.name === 'TimeoutError') return 'no answer (timed out)'
  const code = err.cause?.code
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found (DNS)',
    EAI_AGAIN: 'DNS lookup failed',
    ECONNRESET: 'connection reset',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
  }
  return (code && known[code]) ?? err.cause?.message ?? err.message ?? String(error)
}
