/**
 * A customer's own certificate and key (PEM), checked before use with node:crypto's X509Certificate:
 * the key must match, the certificate must be valid now, and it must cover every host name of the app.
 */
import {createHash, createPrivateKey, X509Certificate} from 'node:crypto'

import {DiscodeError} from '../errors.js'

export interface CertificatePair {
  /** The certificate chain, PEM (the leaf first). */
  cert: string
  /** The private key, PEM: a secret, never printed. */
  key: string
}

export interface CertificateFacts {
  subject: string
  /** ISO date-time. */
  validFrom: string
  validTo: string
  /** SHA-256 of the leaf, hex (names the files in the proxy, so a rotation never overwrites the pair in use). */
  fingerprint: string
}

/** Days before expiry from which `status` warns. */
export const EXPIRY_WARNING_DAYS = 14

function leafOf(cert: string): X509Certificate {
  try {
    return new X509Certificate(cert)
  } catch (error) {
    throw new DiscodeError(`The certificate is not a PEM X.509 certificate (${(error as Error).message})`, {
      code: 'TLS_BAD_CERT',
      hint: 'Pass the certificate file (-----BEGIN CERTIFICATE-----, the leaf first) with --tls-cert',
    })
  }
}

export function certificateFacts(cert: string): CertificateFacts {
  const leaf = leafOf(cert)
  return {
    subject: leaf.subject.replace(/\n/g, ', '),
    validFrom: new Date(leaf.validFrom).toISOString(),
    validTo: new Date(leaf.validTo).toISOString(),
    fingerprint: createHash('sha256').update(leaf.raw).digest('hex'),
  }
}

/**
 * Refuses a pair that would not serve: unreadable, a key of another certificate, not valid at `now`,
 * or a host name it does not cover (`hosts` empty: not checked). The key never appears in a message.
 */
export function checkCertificatePair(pair: CertificatePair, hosts: string[], now = new Date()): CertificateFacts {
  const leaf = leafOf(pair.cert)
  let matches: boolean
  try {
    matches = leaf.checkPrivateKey(createPrivateKey(pair.key))
  } catch {
    throw new DiscodeError('The private key is not a PEM private key', {
      code: 'TLS_BAD_KEY',
      hint: 'Pass the key file (-----BEGIN ... PRIVATE KEY-----, not encrypted) with --tls-key',
    })
  }
  if (!matches) {
    throw new DiscodeError('The private key does not belong to the certificate', {
      code: 'TLS_KEY_MISMATCH',
      hint: 'Pass the key that was made with this certificate (compare `openssl x509 -noout -pubkey` with `openssl pkey -pubout`)',
    })
  }
  const facts = certificateFacts(pair.cert)
  if (now < new Date(facts.validFrom) || now > new Date(facts.validTo)) {
    const when = now > new Date(facts.validTo) ? `expired on ${facts.validTo}` : `is not valid before ${facts.validFrom}`
    throw new DiscodeError(`The certificate ${when}`, {
      code: 'TLS_EXPIRED',
      hint: 'Renew it with your certificate authority and pass the new pair',
    })
  }
  const uncovered = hosts.filter((host) => !leaf.checkHost(host.replace(/^\*\./, 'wildcard-check.'), {wildcards: true}))
  if (uncovered.length > 0) {
    throw new DiscodeError(`The certificate does not cover ${uncovered.join(', ')} (it is for ${coveredNames(leaf)})`, {
      code: 'TLS_HOST_MISMATCH',
      hint: 'Get a certificate whose subject alternative names include every host name of the app',
    })
  }
  return facts
}

function coveredNames(leaf: X509Certificate): string {
  const names = (leaf.subjectAltName ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4))
  return names.length > 0 ? names.join(', ') : leaf.subject.replace(/\n/g, ', ')
}

/** Whole days until the certificate expires (negative once expired). */
export function daysUntilExpiry(validTo: string, now = new Date()): number {
  return Math.floor((new Date(validTo).getTime() - now.getTime()) / 86_400_000)
}

/** The status line's warning, when the certificate expires within EXPIRY_WARNING_DAYS. */
export function expiryWarning(validTo: string, now = new Date()): string | undefined {
  const days = daysUntilExpiry(validTo, now)
  if (days > EXPIRY_WARNING_DAYS) return undefined
  return days < 0
    ? `the certificate expired on ${validTo.slice(0, 10)}`
    : `the certificate expires in ${days} day(s), on ${validTo.slice(0, 10)}`
}
