import {createHmac, hkdfSync, randomBytes, timingSafeEqual} from 'node:crypto'
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {DiscodeError} from '../errors.js'
import {MANIFEST_FILE} from './manifest.js'

/**
 * Snapshot manifests are authenticated (HMAC-SHA256 over the exact bytes of manifest.json, in
 * `manifest.mac`); the manifest holds every part's sha256, so the MAC covers the whole snapshot.
 * - Encrypted snapshots: the MAC key is derived (HKDF) from the snapshot's age identity, which only
 *   the passphrase opens (key.age): whoever can write the backup location but lacks the passphrase
 *   cannot make a manifest that verifies, nor turn `encrypted` off (a plain manifest is checked with
 *   the host key instead, which they do not have either).
 * - Plain snapshots: a host key, 32 random bytes in DISCODE_HOME/backup-host.key (0600). On another
 *   host (disaster recovery) a plain snapshot verifies only with that file carried over, else only
 *   with --trust-unauthenticated, which says what it risks.
 */

export const MAC_FILE = 'manifest.mac'
export const HOST_KEY_FILE = 'backup-host.key'
const CONTEXT = 'discode snapshot manifest v1\0'

export function manifestMac(key: Uint8Array, manifestBytes: Uint8Array): string {
  return createHmac('sha256', key).update(CONTEXT).update(manifestBytes).digest('hex')
}

/** The MAC key of an encrypted snapshot: from its identity (opened by the passphrase), never stored beside it. */
export function identityMacKey(identity: string): Buffer {
  return Buffer.from(hkdfSync('sha256', identity, 'discode', 'snapshot manifest mac', 32))
}

/** This host's key for plain snapshots; created (0600) when `create` and missing. */
export function hostKey(home: string, create: boolean): Buffer | undefined {
  const file = join(home, HOST_KEY_FILE)
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex')
  if (!create) return undefined
  const key = randomBytes(32)
  mkdirSync(home, {recursive: true, mode: 0o700})
  try {
    writeFileSync(file, `${key.toString('hex')}\n`, {mode: 0o600, flag: 'wx'})
  } catch (error) {
    // Another discode (another app's backup) made it a moment ago: theirs is the host's key.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return hostKey(home, false)
    throw error
  }
  return key
}

/**
 * Whether the manifest is authentic (pure): `key` is the snapshot's (identity-derived, or this host's
 * for a plain one; undefined when this host has none). A wrong MAC is never accepted; a missing MAC (a
 * snapshot of an older discode) or a missing host key only with `trustUnauthenticated`.
 */
export function manifestAuthProblem(input: {
  id: string
  encrypted: boolean
  manifestBytes: Uint8Array
  mac?: string
  key?: Uint8Array
  trustUnauthenticated: boolean
}): DiscodeError | undefined {
  const {id} = input
  if (input.mac !== undefined && input.key) {
    const expected = Buffer.from(manifestMac(input.key, input.manifestBytes), 'hex')
    const given = Buffer.from(input.mac.trim(), 'hex')
    if (given.length === expected.length && timingSafeEqual(given, expected)) return undefined
    return new DiscodeError(`Snapshot ${id} is refused: its manifest is not the one discode wrote (it was changed); nothing was changed`, {
      hint: input.encrypted
        ? 'Use another snapshot ("discode backup list --verify"), or copy this one again from where it was taken'
        : `Use another snapshot, or if it was taken on another host, copy that host's ${HOST_KEY_FILE} into DISCODE_HOME`,
      code: 'SNAPSHOT_TAMPERED',
    })
  }
  if (input.trustUnauthenticated) return undefined
  const why =
    input.mac === undefined
      ? 'it carries no manifest MAC (taken by an older discode)'
      : `it is not encrypted and this host has no ${HOST_KEY_FILE} (the key of the host that took it)`
  return new DiscodeError(`Snapshot ${id} cannot be authenticated: ${why}; nothing was changed`, {
    hint: `Copy ${HOST_KEY_FILE} from the host that took it into DISCODE_HOME, or, if you know nobody else could write the snapshot, add --trust-unauthenticated (anyone who could write it chooses the data restored)`,
    code: 'SNAPSHOT_UNAUTHENTICATED',
  })
}

/** Reads the snapshot's manifest bytes and MAC, and checks them with the snapshot's key. */
export function authenticateSnapshot(
  home: string,
  snapshot: {id: string; dir: string; manifest: {encrypted: boolean}},
  options: {identity?: string; macKey?: Uint8Array; trustUnauthenticated?: boolean},
): void {
  const macFile = join(snapshot.dir, MAC_FILE)
  const key = snapshot.manifest.encrypted
    ? (options.macKey ?? (options.identity && identityMacKey(options.identity)))
    : hostKey(home, false)
  const problem = manifestAuthProblem({
    id: snapshot.id,
    encrypted: snapshot.manifest.encrypted,
    manifestBytes: readFileSync(join(snapshot.dir, MANIFEST_FILE)),
    mac: existsSync(macFile) ? readFileSync(macFile, 'utf8') : undefined,
    key: key || undefined,
    trustUnauthenticated: Boolean(options.trustUnauthenticated),
  })
  if (problem) throw problem
}
