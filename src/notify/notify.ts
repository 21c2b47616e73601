/**
 * Sends a notification to every configured channel (webhook, mail). Never throws: a notification that
 * could not be delivered is a warning, it must not turn a good update into a failed command.
 */
import {hostname} from 'node:os'

import {readNotifySecrets, readNotifySettings} from './config.js'
import {sendMail} from './mail.js'
import {StateStore} from '../state/store.js'
import {secretsOnHost} from './secret-registry.js'
import {type Notification, redactNotification, webhookBody} from './message.js'
import {postWebhook, type WebhookOptions} from './webhook.js'

export interface Delivery {
  channel: 'webhook' | 'mail'
  ok: boolean
  error?: string
}

export async function notify(
  home: string,
  notification: Omit<Notification, 'host' | 'at'> & {at?: string},
  options: {webhook?: WebhookOptions} = {},
): Promise<Delivery[]> {
  // The same redaction as support bundles: a reason or a log line that holds a secret loses it here.
  const full = redactNotification(
    {host: hostname(), at: new Date().toISOString(), ...notification},
    secretsOnHost(new StateStore(home), home),
  )
  const settings = readNotifySettings(home)
  const secrets = readNotifySecrets(home)
  const deliveries: Promise<Delivery>[] = []
  const attempt = async (channel: Delivery['channel'], send: () => Promise<void>): Promise<Delivery> => {
    try {
      await send()
      return {channel, ok: true}
    } catch (error) {
      return {channel, ok: false, error: (error as Error).message}
    }
  }
  if (settings.webhook && secrets.webhookUrl) {
    const url = secrets.webhookUrl
    deliveries.push(attempt('webhook', () => postWebhook(url, webhookBody(full), options.webhook)))
  }
  if (settings.smtp) {
    const smtp = settings.smtp
    deliveries.push(attempt('mail', () => sendMail(smtp, secrets.smtpPassword, full)))
  }
  return Promise.all(deliveries)
}

/** For the snapshot code: tells the admin a snapshot of APP failed (and why). */
export function notifySnapshotFailed(home: string, app: string, reason: string, logTail?: string[]): Promise<Delivery[]> {
  return notify(home, {event: 'snapshot-failed', app, reason, logTail})
}
