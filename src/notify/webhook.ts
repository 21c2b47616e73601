/**
 * Posts a notification to a webhook: JSON, each attempt bounded by a timeout, retried with a growing
 * pause on network errors, 429 and 5xx (a 4xx other than 429 will not get better). The URL often holds
 * a token (Slack, Discord): it never appears in an error, only its host.
 */
import {setTimeout as sleep} from 'node:timers/promises'

export interface WebhookOptions {
  attempts?: number
  timeoutMs?: number
  /** The pause before the second attempt; doubled before each further one. */
  backoffMs?: number
}

export function webhookHost(url: string): string {
  return URL.canParse(url) ? new URL(url).host : '(invalid URL)'
}

export async function postWebhook(url: string, body: unknown, options: WebhookOptions = {}): Promise<void> {
  const {attempts = 4, timeoutMs = 5000, backoffMs = 1000} = options
  const host = webhookHost(url)
  let last = ''
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep(backoffMs * 2 ** (attempt - 2))
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {'content-type': 'application/json'},
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      })
      await response.body?.cancel().catch(() => {})
      if (response.ok) return
      last = `HTTP ${response.status}`
      if (response.status < 500 && response.status !== 429) break
    } catch (error) {
      last =
        (error as Error).name === 'TimeoutError'
          ? `no answer within ${timeoutMs} ms`
          : ((error as {cause?: {code?: string}}).cause?.code ?? 'unreachable')
    }
  }
  throw new Error(`webhook ${host} failed: ${last}`)
}
