import {createHash} from 'node:crypto'
import {createReadStream, existsSync, lstatSync, readFileSync, realpathSync, statSync} from 'node:fs'
import {join, sep} from 'node:path'

import {DiscodeError} from '../errors.js'
import {KEY_FILE, openSnapshotKey} from './encryption.js'
import {MANIFEST_FILE} from './manifest.js'
import {partFileProblem} from './manifest-checks.js'
import {readSnapshot, type StoredSnapshot} from './snapshot-store.js'

/**
 * Checks a snapshot before anything is touched: a valid manifest, and every part present with the
 * size and sha256 the manifest gives. Throws SNAPSHOT_CORRUPT naming the first bad part.
 */
export async function verifySnapshot(dir: string): Promise<StoredSnapshot> {
  const snapshot = readSnapshot(dir)
  if (!snapshot) {
    const why = existsSync(join(dir, MANIFEST_FILE)) ? 'its manifest is damaged' : 'it has no manifest (an incomplete or partial copy)'
    throw new DiscodeError(`${dir} is not a usable snapshot: ${why}`, {
      hint: 'Use another snapshot ("discode backup list"), or copy the whole snapshot directory again',
      code: 'SNAPSHOT_CORRUPT',
    })
  }
  for (const part of snapshot.manifest.parts) {
    const file = join(dir, part.file)
    const problem =
      partFileProblem(part, snapshot.manifest.encrypted) ?? outside(dir, file) ?? (await checkPart(file, part.size, part.sha256))
    if (problem) {
      throw new DiscodeError(`Snapshot ${snapshot.id} is damaged: ${part.file} ${problem}; nothing was changed`, {
        hint: 'Use another snapshot ("discode backup list"), or copy this one again from where it was taken',
        code: 'SNAPSHOT_CORRUPT',
      })
    }
  }
  return snapshot
}

/** A part file that is (or passes through) a symlink out of the snapshot directory. */
function outside(dir: string, file: string): string | undefined {
  if (!existsSync(file)) return undefined
  const root = realpathSync(dir)
  const real = realpathSync(file)
  return real.startsWith(`${root}${sep}`) && lstatSync(file).isFile() ? undefined : 'is not a file inside the snapshot directory'
}

async function checkPart(file: string, size: number, sha256: string): Promise<string | undefined> {
  if (!existsSync(file)) return 'is missing'
  const actual = statSync(file).size
  if (actual !== size) return `has ${actual} bytes instead of ${size}`
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex') === sha256 ? undefined : 'does not match its checksum'
}

/** The identity that decrypts an encrypted snapshot's parts (undefined for a plain one). */
export async function snapshotIdentity(
  snapshot: StoredSnapshot,
  passphrase: (() => Promise<string>) | undefined,
): Promise<string | undefined> {
  if (!snapshot.manifest.encrypted) return undefined
  if (!passphrase) {
    throw new DiscodeError(`Snapshot ${snapshot.id} is encrypted`, {
      hint: 'Give its passphrase with --passphrase-file FILE (or - for standard input), or DISCODE_BACKUP_PASSPHRASE',
      code: 'PASSPHRASE_REQUIRED',
    })
  }
  return openSnapshotKey(readFileSync(join(snapshot.dir, KEY_FILE)), await passphrase())
}
