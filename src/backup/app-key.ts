import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {DiscodeError} from '../errors.js'
import type {SnapshotKey} from './encryption.js'
import {writePrivateFile} from './snapshot-store.js'

/**
 * The snapshot key of an app that encrypts its snapshots, in `apps/<app>/backup-key.json` (0600):
 * the age recipient (public), the identity sealed by the passphrase (written as each snapshot's
 * key.age) and the manifest MAC key derived from that identity. Remembered from the last
 * `backup --encrypt` (or restore of an encrypted snapshot), so automatic snapshots (before updates,
 * before a purge) are encrypted and authenticated without anyone typing the passphrase; the
 * identity itself is never stored unsealed.
 */

const FILE = 'backup-key.json'

interface StoredKey {
  recipient: string
  sealed: string
  macKey: string
}

export function readAppKey(appDir: string): SnapshotKey | undefined {
  const file = join(appDir, FILE)
  if (!existsSync(file)) return undefined
  const stored = JSON.parse(readFileSync(file, 'utf8')) as StoredKey
  return {recipient: stored.recipient, sealed: Buffer.from(stored.sealed, 'base64'), macKey: Buffer.from(stored.macKey, 'hex')}
}

export function writeAppKey(appDir: string, key: SnapshotKey): void {
  const stored: StoredKey = {
    recipient: key.recipient,
    sealed: Buffer.from(key.sealed).toString('base64'),
    macKey: Buffer.from(key.macKey).toString('hex'),
  }
  writePrivateFile(join(appDir, FILE), JSON.stringify(stored))
}

/**
 * How a snapshot is encrypted (pure): a fresh key when a passphrase is given; else the app's kept key
 * when the app encrypts its snapshots (automatic ones included); a plain snapshot only for an app that
 * never encrypted; `missing` (an error, never a silent plain snapshot) when it encrypts but the key is gone.
 */
export function snapshotEncryption(facts: {
  passphrase: boolean
  encrypts: boolean
  keyKept: boolean
}): 'new' | 'kept' | 'plain' | 'missing' {
  if (facts.passphrase) return 'new'
  if (!facts.encrypts) return 'plain'
  return facts.keyKept ? 'kept' : 'missing'
}

export function appKeyMissing(app: string): DiscodeError {
  return new DiscodeError(`${app} encrypts its snapshots, but its snapshot key is missing on this host: no plain snapshot is taken`, {
    hint: `Take one with "discode backup ${app} --encrypt --passphrase-file FILE" (its key is then kept for automatic snapshots)`,
    code: 'SNAPSHOT_KEY_MISSING',
  })
}
