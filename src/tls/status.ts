import {type CertificateFacts, certificateFacts, expiryWarning} from './certificate.js'
import {readCertificate} from './certificate-store.js'

export interface TlsStatus {
  /** custom: the customer's own certificate; auto: kamal-proxy's (ACME); off: plain HTTP. */
  mode: 'auto' | 'custom' | 'off'
  /** The custom certificate's expiry (ISO). */
  expires?: string
  subject?: string
  /** Set when it expires within 14 days (or has expired). */
  warning?: string
}

/** Pure: the app's TLS as `status` reports it, from its stored certificate's facts and its route. */
export function tlsStatusOf(facts: CertificateFacts | undefined, routeTls: boolean | undefined, now = new Date()): TlsStatus {
  if (facts) {
    const warning = expiryWarning(facts.validTo, now)
    return {mode: 'custom', expires: facts.validTo, subject: facts.subject, ...(warning ? {warning} : {})}
  }
  return {mode: routeTls ? 'auto' : 'off'}
}

export function tlsStatus(home: string, app: string, routeTls: boolean | undefined): TlsStatus {
  const pair = readCertificate(home, app)
  return tlsStatusOf(pair && certificateFacts(pair.cert), routeTls)
}

/** The TLS cell of the status table: `custom until 2026-03-01`, `auto`, `off`. */
export function tlsCell(tls: TlsStatus): string {
  return tls.expires ? `${tls.mode} until ${tls.expires.slice(0, 10)}` : tls.mode
}
