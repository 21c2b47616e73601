import {Readable} from 'node:stream'
import type {ReadableStream as WebReadableStream} from 'node:stream/web'

import {DiscodeError} from '../errors.js'
import {identityMacKey} from './manifest-auth.js'

/**
 * Snapshot encryption with age (the `age-encryption` package, the reference TypeScript
 * implementation by age's author): a fresh X25519 identity per snapshot encrypts every part (fast,
 * streaming), and that identity is itself encrypted with the user's passphrase (scrypt, once) in
 * `key.age`. So the passphrase is stretched once per snapshot instead of once per part.
 */

export const KEY_FILE = 'key.age'

type Age = typeof import('age-encryption')

async function age(): Promise<Age> {
  return import('age-encryption')
}

export interface SnapshotKey {
  /** `age1...`: what parts are encrypted to. */
  recipient: string
  /** The passphrase-encrypted identity, stored as key.age. */
  sealed: Uint8Array
  /** The manifest's MAC key, derived from the identity (see manifest-auth.ts). */
  macKey: Uint8Array
}

/**
 * A new identity sealed with the passphrase. `scryptWorkFactor` is age's log2 of scrypt's N (default
 * 18, about a second of work: what makes a guessed passphrase expensive); tests pass a small one.
 */
export async function newSnapshotKey(passphrase: string, options: {scryptWorkFactor?: number} = {}): Promise<SnapshotKey> {
  const {Encrypter, generateX25519Identity, identityToRecipient} = await age()
  const identity = await generateX25519Identity()
  const sealer = new Encrypter()
  if (options.scryptWorkFactor !== undefined) sealer.setScryptWorkFactor(options.scryptWorkFactor)
  sealer.setPassphrase(passphrase)
  return {recipient: await identityToRecipient(identity), sealed: await sealer.encrypt(identity), macKey: identityMacKey(identity)}
}

/** The public recipient of an identity (to remember an app's key after a restore). */
export async function recipientOf(identity: string): Promise<string> {
  return (await age()).identityToRecipient(identity)
}

/** The snapshot's identity, or a clear error when the passphrase is wrong. */
export async function openSnapshotKey(sealed: Uint8Array, passphrase: string): Promise<string> {
  const {Decrypter} = await age()
  const opener = new Decrypter()
  opener.addPassphrase(passphrase)
  try {
    return await opener.decrypt(sealed, 'text')
  } catch (error) {
    throw new DiscodeError('The passphrase does not open this snapshot', {
      hint: 'Give the passphrase used for "discode backup --encrypt" (with --passphrase-file, or DISCODE_BACKUP_PASSPHRASE)',
      code: 'BAD_PASSPHRASE',
      cause: error,
    })
  }
}

export async function encryptStream(source: Readable, recipient: string): Promise<Readable> {
  const {Encrypter} = await age()
  const encrypter = new Encrypter()
  encrypter.addRecipient(recipient)
  const encrypted = await encrypter.encrypt(Readable.toWeb(source) as unknown as ReadableStream<Uint8Array>)
  return Readable.fromWeb(encrypted as unknown as WebReadableStream<Uint8Array>)
}

export async function decryptStream(source: Readable, identity: string): Promise<Readable> {
  const {Decrypter} = await age()
  const decrypter = new Decrypter()
  decrypter.addIdentity(identity)
  const decrypted = await decrypter.decrypt(Readable.toWeb(source) as unknown as ReadableStream<Uint8Array>)
  return Readable.fromWeb(decrypted as unknown as WebReadableStream<Uint8Array>)
}
