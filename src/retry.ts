import {setTimeout as sleep} from 'node:timers/promises'

/** How retryUntil waits; injectable so its decisions are tested without real time passing. */
export interface RetryClock {
  now(): number
  sleep(ms: number): Promise<unknown>
}

const realClock: RetryClock = {now: () => Date.now(), sleep: (ms) => sleep(ms)}

/**
 * Runs `work` until it succeeds or `timeoutMs` has passed; then the last error is thrown. For a peer
 * that needs a moment to answer (a proxy restarted a second ago), not for errors a retry cannot fix.
 */
export async function retryUntil<T>(
  work: () => Promise<T>,
  options: {timeoutMs: number; intervalMs?: number; clock?: RetryClock},
): Promise<T> {
  const clock = options.clock ?? realClock
  const deadline = clock.now() + options.timeoutMs
  for (;;) {
    try {
      return await work()
    } catch (error) {
      if (clock.now() > deadline) throw error
      await clock.sleep(options.intervalMs ?? 250)
    }
  }
}
