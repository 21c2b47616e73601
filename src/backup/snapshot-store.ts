import {createHash} from 'node:crypto'
import {
  createWriteStream,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  closeSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import {dirname, join} from 'node:path'
import {Transform, type Readable} from 'node:stream'
import {pipeline} from 'node:stream/promises'

import {DiscodeError} from '../errors.js'
import {type Manifest, MANIFEST_FILE, parseManifest} from './manifest.js'
import {MAC_FILE, manifestMac} from './manifest-auth.js'

/**
 * Snapshots on disk: `<root>/<app>/<id>/` (0700) holding the parts (0600) and `manifest.json`. A
 * snapshot is written into `<root>/<app>/.<id>.partial`, the manifest last, then renamed to `<id>`
 * in one step: a process killed at any point leaves either a complete snapshot or a partial
 * directory, which listings ignore and the next backup of the app removes.
 */

export interface StoredSnapshot {
  id: string
  dir: string
  manifest: Manifest
}

/** Where an app's snapshots go: `--dir`, else the app's setting, else DISCODE_HOME/backups. */
export function backupRoot(home: string, configured?: string): string {
  return configured ?? join(home, 'backups')
}

export function appBackupDir(root: string, app: string): string {
  return join(root, app)
}

export function partialDir(root: string, app: string, id: string): string {
  return join(appBackupDir(root, app), `.${id}.partial`)
}

/** Complete snapshots of the app, newest first. */
export function listSnapshots(root: string, app: string): StoredSnapshot[] {
  const dir = appBackupDir(root, app)
  if (!existsSync(dir)) return []
  return readdirSync(dir, {withFileTypes: true})
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .flatMap((entry) => {
      const snapshot = readSnapshot(join(dir, entry.name))
      return snapshot ? [snapshot] : []
    })
    .sort((a, b) => (a.manifest.createdAt < b.manifest.createdAt ? 1 : a.manifest.createdAt > b.manifest.createdAt ? -1 : 0))
}

/** Apps that have snapshots under the root. */
export function appsWithSnapshots(root: string): string[] {
  if (!existsSync(root)) return []
  return readdirSync(root, {withFileTypes: true})
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort()
}

/** The snapshot in `dir`, if it has a valid manifest. */
export function readSnapshot(dir: string): StoredSnapshot | undefined {
  let text: string
  try {
    text = readFileSync(join(dir, MANIFEST_FILE), 'utf8')
  } catch {
    return undefined
  }
  const manifest = parseManifest(text)
  return manifest && {id: manifest.id, dir, manifest}
}

/** Removes what killed backups left (call with the app's lock held: no backup of it is running). */
export function removePartials(root: string, app: string): string[] {
  const dir = appBackupDir(root, app)
  if (!existsSync(dir)) return []
  const partials = readdirSync(dir).filter((name) => name.startsWith('.') && name.endsWith('.partial'))
  for (const name of partials) rmSync(join(dir, name), {recursive: true, force: true})
  return partials
}

export function makePrivateDir(dir: string): void {
  mkdirSync(dir, {recursive: true, mode: 0o700})
}

/** Streams `source` into `file` (0600, flushed), counting bytes and hashing them on the way. */
export async function writePart(
  file: string,
  source: Readable,
  onBytes?: (bytes: number) => void,
): Promise<{size: number; sha256: string}> {
  makePrivateDir(dirname(file))
  const hash = createHash('sha256')
  let size = 0
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk)
      size += chunk.length
      onBytes?.(size)
      done(null, chunk)
    },
  })
  try {
    await pipeline(source, meter, createWriteStream(file, {mode: 0o600, flush: true}))
  } catch (error) {
    throw writeError(file, error)
  }
  return {size, sha256: hash.digest('hex')}
}

export function writePrivateFile(file: string, data: string | Uint8Array): void {
  makePrivateDir(dirname(file))
  try {
    writeFileSync(file, data, {mode: 0o600, flush: true})
  } catch (error) {
    throw writeError(file, error)
  }
}

/** The manifest last (with its MAC, see manifest-auth.ts), flushed, then the rename that makes the snapshot exist. */
export function commitSnapshot(partial: string, final: string, manifest: Manifest, macKey: Uint8Array): void {
  const text = `${JSON.stringify(manifest, null, 2)}\n`
  writePrivateFile(join(partial, MAC_FILE), `${manifestMac(macKey, Buffer.from(text))}\n`)
  writePrivateFile(join(partial, MANIFEST_FILE), text)
  syncDir(partial)
  try {
    renameSync(partial, final)
  } catch (error) {
    throw writeError(final, error)
  }
  syncDir(dirname(final))
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

function writeError(file: string, error: unknown): DiscodeError {
  if (error instanceof DiscodeError) return error
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new DiscodeError(`The backup directory is full: writing ${file} failed (${code})`, {
      hint: 'Free space there, remove old snapshots ("discode backup remove"), or give another directory with --dir',
      code: 'BACKUP_DISK_FULL',
      cause: error,
    })
  }
  return new DiscodeError(`Could not write ${file}: ${(error as Error).message}`, {
    hint: 'Check that the backup directory exists, is writable and has space',
    code: 'BACKUP_WRITE_FAILED',
    cause: error,
  })
}
