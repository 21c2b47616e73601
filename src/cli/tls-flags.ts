/**
 * `--tls-cert FILE --tls-key FILE` of install and update: the customer's own certificate. The key is
 * read from a file (never a flag value, so never in the process list) and never printed.
 */
import {readFileSync} from 'node:fs'

import * as Flags from '@oclif/core/flags'

import {DiscodeError} from '../errors.js'
import type {CertificatePair} from '../tls/certificate.js'

export const tlsFlags = {
  'tls-cert': Flags.string({
    description: 'Serve HTTPS with your own certificate: a PEM file (the leaf first, then the chain)',
    dependsOn: ['tls-key'],
  }),
  'tls-key': Flags.string({description: "The certificate's private key, a PEM file (stored 0600, never printed)", dependsOn: ['tls-cert']}),
}

/** The pair named by the flags, or undefined when none was given. */
export function readTlsFlags(flags: {'tls-cert'?: string; 'tls-key'?: string}): CertificatePair | undefined {
  const certFile = flags['tls-cert']
  const keyFile = flags['tls-key']
  if (!certFile || !keyFile) return undefined
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file, 'utf8')
    } catch (error) {
      throw new DiscodeError(`Cannot read the ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
        code: 'TLS_FILE',
        hint: `Check the path given with --tls-${what === 'certificate' ? 'cert' : 'key'}`,
      })
    }
  }
  return {cert: read(certFile, 'certificate'), key: read(keyFile, 'key')}
}
