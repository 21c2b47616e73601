/**
 * What a notification says: one event, as a mail (subject + text) and as a webhook body that Slack
 * (`text`) and Discord (`content`) show as it is, with the structured event beside it for scripts.
 * Pure.
 */
import {redact} from '../secrets/redact.js'

export type NotificationEvent = 'update-available' | 'update-done' | 'update-failed' | 'snapshot-failed'

export interface Notification {
  event: NotificationEvent
  app: string
  /** The server (several servers may report to one channel). */
  host: string
  at: string
  /** The release serving (after the event). */
  current?: string
  /** The release the event is about (available, installed, failed). */
  version?: string
  /** Why an available update waits (policy-off, outside-window, beyond-policy). */
  why?: string
  reason?: string
  /** The last lines of the failed release's or operation's output. */
  logTail?: string[]
}

const WAITING: Record<string, string> = {
  'policy-off': 'automatic updates are off for this app',
  'outside-window': 'it will be installed in the next maintenance window',
  'beyond-policy': "the app's policy does not install it automatically",
}

export function subjectOf(n: Notification): string {
  switch (n.event) {
    case 'update-available':
      return `[discode] ${n.app}: update ${n.version} available`
    case 'update-done':
      return `[discode] ${n.app}: updated to ${n.version}`
    case 'update-failed':
      return `[discode] ${n.app}: update to ${n.version} failed`
    case 'snapshot-failed':
      return `[discode] ${n.app}: snapshot failed`
  }
}

export function textOf(n: Notification): string {
  const lines = [`${subjectOf(n).replace(/^\[discode\] /, '')} on ${n.host}.`]
  if (n.event === 'update-available') {
    lines.push(`${n.current} is running; ${n.version} is available${n.why && WAITING[n.why] ? `: ${WAITING[n.why]}` : ''}.`)
    lines.push(`Install it with: discode update ${n.app}`)
  }
  if (n.event === 'update-done') lines.push(`${n.app} now serves ${n.version}.`)
  if (n.reason) lines.push(`Reason: ${n.reason}`)
  if (n.event === 'update-failed')
    lines.push(
      `${n.current ?? 'The previous release'} keeps serving. This release is not tried again automatically until a newer one is published or you run: discode auto-update ${n.app} --clear`,
    )
  if (n.logTail && n.logTail.length > 0) lines.push('', 'Last log lines:', ...n.logTail.map((line) => `  ${line}`))
  return lines.join('\n')
}

/** Slack shows `text`, Discord `content` (at most 2000 characters); `discode` is the event as data. */
export function webhookBody(n: Notification): {text: string; content: string; discode: Notification} {
  const text = textOf(n)
  return {text, content: text.length > 2000 ? `${text.slice(0, 1997)}...` : text, discode: n}
}

/** The notification with every secret (and its encodings) replaced, in every text it carries. */
export function redactNotification(n: Notification, secrets: string[]): Notification {
  const clean = (text: string) => redact(text, secrets)
  return Object.fromEntries(
    Object.entries(n).map(([key, value]) => [
      key,
      typeof value === 'string' ? clean(value) : Array.isArray(value) ? value.map((line) => clean(String(line))) : value,
    ]),
  ) as unknown as Notification
}
