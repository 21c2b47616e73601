/**
 * Redaction for support bundles, by construction: every value discode knows to be secret is
 * replaced, in every file, by a marker, and so are its common encodings (URL, base64), which is how
 * a secret shows up in a logged URL or an Authorization header. Environment variables whose names
 * look secret are masked whatever their value.
 */

export const REDACTED = '[REDACTED]'

/** Shorter values would mask ordinary words and numbers all over the bundle (and are no real secret). */
export const MIN_SECRET_LENGTH = 6

/** A value and the forms it takes when encoded on its way into a log line. */
export function secretForms(value: string): string[] {
  const base64 = Buffer.from(value).toString('base64')
  return [
    value,
    encodeURIComponent(value),
    encodeURIComponent(value).replace(/%20/g, '+'),
    base64,
    base64.replace(/=+$/, ''),
    Buffer.from(value).toString('base64url'),
    JSON.stringify(value).slice(1, -1),
  ]
}

/**
 * Replaces every occurrence of every secret (in each of its forms) with the marker. One pass with
 * the longest forms first, so a secret that contains another is replaced whole, not around it.
 */
export function redact(text: string, secrets: Iterable<string>): string {
  const forms = [...new Set([...secrets].filter((s) => s.length >= MIN_SECRET_LENGTH).flatMap(secretForms))]
    .filter((form) => form.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length)
  if (forms.length === 0) return text
  const pattern = new RegExp(forms.map(escapeRegExp).join('|'), 'g')
  return text.replace(pattern, REDACTED)
}

const SECRET_NAME = /PASS|SECRET|TOKEN|KEY|CREDENTIAL|AUTH|PRIVATE|CERT|DSN|SALT|COOKIE|SESSION|LICEN[CS]E|WEBHOOK|DATABASE_URL|_URL$/i

export function looksSecret(name: string): boolean {
  return SECRET_NAME.test(name)
}

/** `NAME=value` entries (Docker's Config.Env) with the values of secret-looking names masked. */
export function maskEnv(entries: string[]): string[] {
  return entries.map((entry) => {
    const at = entry.indexOf('=')
    const name = at < 0 ? entry : entry.slice(0, at)
    return at >= 0 && looksSecret(name) ? `${name}=${REDACTED}` : entry
  })
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
