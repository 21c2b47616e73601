/** Sends a notification by e-mail over SMTP with nodemailer (a well-kept mailer: SMTP, STARTTLS, auth). */
import type {SmtpSettings} from './config.js'
import {type Notification, subjectOf, textOf} from './message.js'

export async function sendMail(smtp: SmtpSettings, password: string | undefined, n: Notification): Promise<void> {
  const {createTransport} = await import('nodemailer')
  const transport = createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.user ? {user: smtp.user, pass: password ?? ''} : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  })
  try {
    await transport.sendMail({from: smtp.from, to: smtp.to, subject: subjectOf(n), text: textOf(n)})
  } catch (error) {
    // nodemailer's messages name the server, never the password.
    throw new Error(`mail via ${smtp.host}:${smtp.port} failed: ${(error as Error).message}`)
  } finally {
    transport.close()
  }
}
