/**
 * The customer's certificate and key of an app, kept like its other secrets: under
 * `DISCODE_HOME/apps/<app>/tls/`, files 0600 in a 0700 directory, written atomically (temp file +
 * rename) so a crash never leaves half a pair.
 */
import {existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import type {CertificatePair} from './certificate.js'

export function tlsDir(home: string, app: string): string {
  return join(home, 'apps', app, 'tls')
}

export function readCertificate(home: string, app: string): CertificatePair | undefined {
  const dir = tlsDir(home, app)
  if (!existsSync(join(dir, 'cert.pem')) || !existsSync(join(dir, 'key.pem'))) return undefined
  return {cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8')}
}

/** Replaces the app's pair; the key is written before the certificate, which is what marks a pair as present. */
export function writeCertificate(home: string, app: string, pair: CertificatePair): void {
  const dir = tlsDir(home, app)
  mkdirSync(dir, {recursive: true, mode: 0o700})
  for (const [name, content] of [
    ['key.pem', pair.key],
    ['cert.pem', pair.cert],
  ] as const) {
    const temp = join(dir, `.${name}.${process.pid}.tmp`)
    writeFileSync(temp, content, {mode: 0o600})
    renameSync(temp, join(dir, name))
  }
}

export function removeCertificate(home: string, app: string): void {
  rmSync(tlsDir(home, app), {recursive: true, force: true})
}
