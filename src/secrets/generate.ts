/** Secrets a recipe asks for (`secrets: {name: {generate, length}}`), generated once at install. */
import {randomBytes} from 'node:crypto'

export interface SecretSpec {
  generate: 'hex' | 'base64url' | 'alphanumeric'
  /** Number of characters. */
  length: number
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
/** Bytes at or above this would make some characters likelier than others (256 % 62 != 0). */
const ALPHANUMERIC_LIMIT = 256 - (256 % ALPHANUMERIC.length)

export function generateSecret(spec: SecretSpec): string {
  if (!Number.isInteger(spec.length) || spec.length < 1)
    throw new RangeError(`secret length must be a positive integer, got ${spec.length}`)
  switch (spec.generate) {
    case 'hex':
      return randomBytes(Math.ceil(spec.length / 2))
        .toString('hex')
        .slice(0, spec.length)
    case 'base64url':
      return randomBytes(Math.ceil((spec.length * 3) / 4))
        .toString('base64url')
        .slice(0, spec.length)
    case 'alphanumeric':
      return randomAlphanumeric(spec.length)
  }
}

/** Rejection sampling: bytes that cannot map evenly onto the alphabet are dropped. */
function randomAlphanumeric(length: number): string {
  let out = ''
  while (out.length < length) {
    for (const byte of randomBytes(length - out.length + 8)) {
      if (byte < ALPHANUMERIC_LIMIT && out.length < length) out += ALPHANUMERIC[byte % ALPHANUMERIC.length]
    }
  }
  return out
}
