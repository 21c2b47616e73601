/**
 * Sends a notification by e-mail over SMTP with nodemailer (a well-kept mailer: SMTP, STARTTLS, auth).
 * TLS is required: from the first byte (`secure`, port 465) or by STARTTLS, which nodemailer then
 * insists on (`requireTLS`), so a server, or someone in between, that does not offer it gets neither
 * the password nor the message. Only a relay on this machine may be spoken to in plain text, and only
 * when the admin said so (`--smtp-plaintext-loopback`).
 */
import {DiscodeError} from '../errors.js'
import {isLoopbackHost} from '../loopback.js'
import type {SmtpSettings} from './config.js'
import {type Notification, subjectOf, textOf} from './message.js'

/** Refuses plain text to anything but a loopback relay. */
export function checkSmtpTls(smtp: Pick<SmtpSettings, 'host' | 'secure' | 'plaintextLoopback'>): void {
  if (smtp.plaintextLoopback && !isLoopbackHost(smtp.host))
    throw new DiscodeError(`SMTP without TLS is allowed only to a relay on this machine, not to ${smtp.host}`, {
      hint: 'Use the server with STARTTLS (port 587) or TLS (--smtp-secure, port 465), or a local relay (127.0.0.1) that forwards it securely',
      code: 'SMTP_TLS_REQUIRED',
    })
}

/** nodemailer's transport options: TLS required unless this is an allowed loopback relay. */
export function smtpTransportOptions(smtp: SmtpSettings, password: string | undefined) {
  checkSmtpTls(smtp)
  const plaintext = Boolean(smtp.plaintextLoopback) && !smtp.secure
  return {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: !smtp.secure && !plaintext,
    ignoreTLS: plaintext,
    tls: {minVersion: 'TLSv1.2' as const},
    auth: smtp.user ? {user: smtp.user, pass: password ?? ''} : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  }
}

export async function sendMail(smtp: SmtpSettings, password: string | undefined, n: Notification): Promise<void> {
  const {createTransport} = await import('nodemailer')
  const transport = createTransport(smtpTransportOptions(smtp, password))
  try {
    await transport.sendMail({from: smtp.from, to: smtp.to, subject: subjectOf(n), text: textOf(n)})
  } catch (error) {
    // nodemailer's messages name the server, never the password.
    throw new Error(`mail via ${smtp.host}:${smtp.port} failed: ${(error as Error).message}`)
  } finally {
    transport.close()
  }
}
