/** The recipe's `feedKey` format, shared by recipe validation and feed verification (node:crypto only). */
import {createPublicKey} from 'node:crypto'

export const ED25519_KEY_BYTES = 32
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

/** Bytes of canonical base64 (whitespace around it ignored), or undefined. */
export function strictBase64(text: string): Buffer | undefined {
  const trimmed = text.trim()
  if (!BASE64.test(trimmed) || trimmed.length % 4 !== 0) return undefined
  const bytes = Buffer.from(trimmed, 'base64')
  return bytes.toString('base64') === trimmed ? bytes : undefined
}

/** True for what `discode feed keygen` writes in feed.pub: a raw 32-byte ed25519 key as one base64 line. */
export function isEd25519PublicKey(text: string): boolean {
  const bytes = strictBase64(text)
  if (bytes?.length !== ED25519_KEY_BYTES) return false
  try {
    createPublicKey({key: {kty: 'OKP', crv: 'Ed25519', x: bytes.toString('base64url')}, format: 'jwk'})
    return true
  } catch {
    return false
  }
}
