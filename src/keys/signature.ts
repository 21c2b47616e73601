/**
 * ed25519 over exact bytes (node:crypto only): what a signed feed's `.sig` and a bundle's manifest
 * signature both are, made and checked here alone.
 */
import {type KeyObject, sign, verify} from 'node:crypto'

import {strictBase64} from './public-key.js'

export const ED25519_SIGNATURE_BYTES = 64

/** The base64 ed25519 signature over exactly `bytes`, as one line (ed25519 is deterministic: same bytes, same signature). */
export function signBytes(bytes: Buffer, privateKey: KeyObject): string {
  return `${sign(null, bytes, privateKey).toString('base64')}\n`
}

/**
 * Whether `signature` (base64, whitespace around it ignored) is the key's over exactly `bytes`:
 * `malformed` when it is no ed25519 signature at all, `mismatch` when another key or other bytes made it.
 */
export function checkSignature(bytes: Buffer, signature: string, publicKey: KeyObject): 'ok' | 'malformed' | 'mismatch' {
  const raw = strictBase64(signature)
  if (raw?.length !== ED25519_SIGNATURE_BYTES) return 'malformed'
  return verify(null, bytes, publicKey, raw) ? 'ok' : 'mismatch'
}
