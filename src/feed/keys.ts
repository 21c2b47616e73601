/** The vendor's ed25519 key pair for signing feeds: generating, writing and reading it. */
import {createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject} from 'node:crypto'
import {chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {ED25519_KEY_BYTES, strictBase64} from '../keys/public-key.js'
import {FeedSignatureError, fsReason} from './signature.js'

export const PRIVATE_KEY_FILE = 'feed.key'
export const PUBLIC_KEY_FILE = 'feed.pub'

export interface KeyPair {
  privateKeyPem: string
  /** The raw 32-byte ed25519 public key as one base64 line: the recipe's `feedKey`. */
  publicKey: string
}

export function generateKeyPair(): KeyPair {
  const {privateKey, publicKey} = generateKeyPairSync('ed25519')
  return {privateKeyPem: privateKey.export({type: 'pkcs8', format: 'pem'}) as string, publicKey: rawPublicKey(publicKey)}
}

/** The raw public key (base64) of a private or public ed25519 key. */
export function rawPublicKey(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key
  const {x} = publicKey.export({format: 'jwk'})
  return Buffer.from(x!, 'base64url').toString('base64')
}

export interface WrittenKeyPair {
  privateKeyPath: string
  publicKeyPath: string
  publicKey: string
}

/**
 * Writes `dir/feed.key` (PKCS8 PEM, 0600) and `dir/feed.pub` (the base64 line, 0644). An existing
 * private key is never overwritten without `force`: it may be the one every customer's recipe trusts.
 */
export function writeKeyPair(dir: string, options: {force?: boolean} = {}): WrittenKeyPair {
  const privateKeyPath = join(dir, PRIVATE_KEY_FILE)
  const publicKeyPath = join(dir, PUBLIC_KEY_FILE)
  if (!options.force && existsSync(privateKeyPath)) {
    throw new FeedSignatureError(`${privateKeyPath} already exists`, {
      code: 'FEED_KEY_EXISTS',
      hint: 'Recipes that trust its public key would refuse feeds signed with a new one; pass --force to replace it anyway',
    })
  }
  const pair = generateKeyPair()
  try {
    mkdirSync(dir, {recursive: true, mode: 0o700})
    // Removed first and created exclusively, so the new private key is never in a file others can read.
    if (options.force) rmSync(privateKeyPath, {force: true})
    writeFileSync(privateKeyPath, pair.privateKeyPem, {mode: 0o600, flag: 'wx'})
    chmodSync(privateKeyPath, 0o600)
    writeFileSync(publicKeyPath, `${pair.publicKey}\n`, {mode: 0o644})
    chmodSync(publicKeyPath, 0o644)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new FeedSignatureError(`${privateKeyPath} already exists`, {
        code: 'FEED_KEY_EXISTS',
        hint: 'Pass --force to replace it',
        cause: error,
      })
    }
    throw new FeedSignatureError(`cannot write the key pair in ${dir}: ${fsReason(error)}`, {
      code: 'FEED_KEY_WRITE_FAILED',
      hint: 'Choose a directory you can write to',
      cause: error,
    })
  }
  return {privateKeyPath, publicKeyPath, publicKey: pair.publicKey}
}

/** The recipe's `feedKey` as a key object, or a FeedSignatureError saying it is not one. */
export function parsePublicKey(publicKeyB64: string): KeyObject {
  const bytes = strictBase64(publicKeyB64)
  const fail = (cause?: unknown) =>
    new FeedSignatureError(`the recipe's feedKey is not an ed25519 public key (one base64 line of ${ED25519_KEY_BYTES} bytes)`, {
      code: 'FEED_KEY_INVALID',
      hint: "feedKey must be the line of the vendor's feed.pub (written by `discode feed keygen`); tell the vendor",
      cause,
    })
  if (bytes?.length !== ED25519_KEY_BYTES) throw fail()
  try {
    return createPublicKey({key: {kty: 'OKP', crv: 'Ed25519', x: bytes.toString('base64url')}, format: 'jwk'})
  } catch (error) {
    throw fail(error)
  }
}

/** The vendor's private key file, which must be an unencrypted ed25519 key. */
export function readPrivateKey(path: string): KeyObject {
  let pem: Buffer
  try {
    pem = readFileSync(path)
  } catch (error) {
    throw new FeedSignatureError(`cannot read the private key ${path}: ${fsReason(error)}`, {
      code: 'FEED_PRIVATE_KEY_UNREADABLE',
      hint: 'Give the feed.key written by `discode feed keygen --out DIR`',
      cause: error,
    })
  }
  let key: KeyObject | undefined
  try {
    key = createPrivateKey(pem)
  } catch {
    key = undefined
  }
  if (key?.asymmetricKeyType !== 'ed25519') {
    throw new FeedSignatureError(`${path} is not an ed25519 private key`, {
      code: 'FEED_PRIVATE_KEY_INVALID',
      hint: 'Give the feed.key written by `discode feed keygen --out DIR` (an unencrypted PKCS8 PEM ed25519 key)',
    })
  }
  return key
}
