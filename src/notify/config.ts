/**
 * Where notifications go, for the whole host: `DISCODE_HOME/notify.json` (what may be shown) and
 * `DISCODE_HOME/notify-secrets.json` (0600: the webhook URL, which usually holds a token, and the SMTP
 * password). Reports show the webhook's host only and never the password.
 */
import {existsSync, readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'

import {z} from 'zod'

import {DiscodeError} from '../errors.js'
import {writeFileAtomic} from '../fs/atomic.js'

const SmtpSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  secure: z.boolean().default(false),
  /** No TLS: only to a relay on this machine (127.0.0.0/8, ::1, localhost); see checkSmtpTls. */
  plaintextLoopback: z.boolean().optional(),
  user: z.string().optional(),
  from: z.string().min(1),
  to: z.array(z.string().min(1)).min(1),
})
export type SmtpSettings = z.output<typeof SmtpSchema>

const SettingsSchema = z.object({
  webhook: z.object({host: z.string()}).optional(),
  smtp: SmtpSchema.optional(),
})
export type NotifySettings = z.output<typeof SettingsSchema>

const SecretsSchema = z.object({webhookUrl: z.string().optional(), smtpPassword: z.string().optional()})
export type NotifySecrets = z.output<typeof SecretsSchema>

const settingsFile = (home: string) => join(home, 'notify.json')
const secretsFile = (home: string) => join(home, 'notify-secrets.json')

function read<T>(file: string, schema: z.ZodType<T>, fallback: T): T {
  if (!existsSync(file)) return fallback
  try {
    return schema.parse(JSON.parse(readFileSync(file, 'utf8')))
  } catch {
    throw new DiscodeError(`The notification settings ${file} cannot be read`, {
      hint: 'Configure notifications again with "discode auto-update notify ..."',
      code: 'STATE_UNREADABLE',
    })
  }
}

export function readNotifySettings(home: string): NotifySettings {
  return read(settingsFile(home), SettingsSchema, {})
}

export function readNotifySecrets(home: string): NotifySecrets {
  return read(secretsFile(home), SecretsSchema, {})
}

export function writeNotifyConfig(home: string, settings: NotifySettings, secrets: NotifySecrets): void {
  writeFileAtomic(secretsFile(home), `${JSON.stringify(secrets, null, 2)}\n`)
  writeFileAtomic(settingsFile(home), `${JSON.stringify(settings, null, 2)}\n`)
}

export function removeNotifyConfig(home: string): void {
  rmSync(settingsFile(home), {force: true})
  rmSync(secretsFile(home), {force: true})
}

/** A webhook URL must be http(s); the error never repeats it (it may hold a token). */
export function checkWebhookUrl(url: string): string {
  const trimmed = url.trim()
  if (!URL.canParse(trimmed) || !['http:', 'https:'].includes(new URL(trimmed).protocol))
    throw new DiscodeError('The webhook file does not hold an http(s) URL', {
      hint: 'Put the URL alone in the file (e.g. https://hooks.slack.com/services/...)',
      code: 'BAD_FLAG',
    })
  return trimmed
}
