/**
 * Every value discode knows to be secret, for redaction: the apps' secrets files (generated secrets,
 * secret inputs, registry passwords), the registry password from the environment, and the
 * notification secrets (a webhook URL with its token, the SMTP password).
 */
import type {StateStore} from '../state/store.js'
import {readNotifySecrets} from './config.js'

/** From the state store and DISCODE_HOME alone: notifications run without an engine. */
export function secretsOnHost(store: StateStore, home: string, apps: string[] = store.apps()): string[] {
  const found = new Set<string>()
  const env = process.env.DISCODE_REGISTRY_PASSWORD
  if (env) found.add(env)
  for (const app of apps) for (const value of store.secretValues(app)) found.add(value)
  const notify = readNotifySecrets(home)
  for (const value of [notify.webhookUrl, notify.smtpPassword]) if (value) found.add(value)
  // A webhook URL's path is its token (Slack, Discord): redacted on its own too, wherever it shows.
  if (notify.webhookUrl && URL.canParse(notify.webhookUrl)) found.add(new URL(notify.webhookUrl).pathname)
  return [...found].filter((value) => typeof value === 'string' && value.length > 0)
}
