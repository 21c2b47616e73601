/** The small part of autocannon's programmatic API the benchmark uses (the package ships no types). */
declare module 'autocannon' {
  import type {EventEmitter} from 'node:events'

  interface AutocannonRequest {
    method?: string
    path?: string
    headers?: Record<string, string>
    onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string>) => void
  }

  type AutocannonClient = EventEmitter

  interface AutocannonOptions {
    url: string
    connections?: number
    overallRate?: number
    connectionRate?: number
    duration?: number
    timeout?: number
    pipelining?: number
    requests?: AutocannonRequest[]
    setupClient?: (client: AutocannonClient) => void
    excludeErrorStats?: boolean
  }

  interface AutocannonResult {
    /** `requests.total`: answers received; `requests.sent`: requests written. */
    requests: {total: number; sent: number}
    errors: number
    timeouts: number
    non2xx: number
    statusCodeStats: Record<string, {count: number}>
    duration: number
  }

  interface Instance extends EventEmitter {
    stop(): void
  }

  function autocannon(options: AutocannonOptions, callback: (error: Error | null, result: AutocannonResult) => void): Instance
  export default autocannon
  export type {AutocannonClient, AutocannonOptions, AutocannonRequest, AutocannonResult, Instance}
}
