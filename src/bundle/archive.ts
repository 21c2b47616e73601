/**
 * The bundle file: one plain tar, `manifest.json` then `manifest.sig` then every part in path order,
 * each with the same mode, owner and time, so the same inputs give the same bytes. Read back as a
 * stream: the head (manifest and signature) first, then the parts, each hashed as it passes (and
 * written out, when loading), never a whole part in memory.
 */
import {createHash} from 'node:crypto'
import {createReadStream, createWriteStream, mkdirSync, type WriteStream} from 'node:fs'
import {dirname, join} from 'node:path'
import type {Readable} from 'node:stream'
import {pipeline} from 'node:stream/promises'

import {extract, pack, type Header} from 'tar-stream'

import {BundleError} from './errors.js'
import {type BundleManifest, type BundlePart, MANIFEST_FILE, SIGNATURE_FILE} from './manifest.js'

/** The largest manifest read: a bundle of many releases and layers is still a few hundred KiB. */
const MAX_HEAD_BYTES = 16 * 1024 * 1024

export interface PartSource extends BundlePart {
  open(): Readable
}

/** Every entry's header: only the name and size vary. */
export function entryHeader(name: string, size: number): Header {
  return {
    name,
    size,
    mode: 0o644,
    mtime: new Date(0),
    uid: 0,
    gid: 0,
    uname: '',
    gname: '',
    type: 'file',
    linkname: '',
    devmajor: 0,
    devminor: 0,
  }
}

/** Writes the bundle: manifest, signature, then the parts sorted by path. */
export async function writeBundle(file: string, head: {manifest: Buffer; signature: string}, parts: PartSource[]): Promise<void> {
  const archive = pack()
  const written = pipeline(archive, createWriteStream(file, {mode: 0o644}))
  const add = (name: string, body: Buffer) =>
    new Promise<void>((resolve, reject) =>
      archive.entry(entryHeader(name, body.length), body, (error) => (error ? reject(error) : resolve())),
    )
  await add(MANIFEST_FILE, head.manifest)
  await add(SIGNATURE_FILE, Buffer.from(head.signature))
  for (const part of [...parts].sort((a, b) => a.path.localeCompare(b.path))) {
    const entry = archive.entry(entryHeader(part.path, part.size))
    await pipeline(part.open(), entry)
  }
  archive.finalize()
  await written
}

function unreadable(file: string, reason: string, cause?: unknown): BundleError {
  return new BundleError(`the bundle ${file} ${reason}`, {
    code: 'BUNDLE_UNREADABLE',
    hint: 'Copy the file again (it may be truncated) or ask the vendor for it: nothing was loaded',
    cause,
  })
}

/** The manifest's bytes and the signature, read from the start of the file (the rest is not read). */
export async function readHead(file: string): Promise<{manifest: Buffer; signature: string}> {
  const source = createReadStream(file)
  const reader = extract()
  source.on('error', (error) => reader.destroy(error))
  source.pipe(reader)
  const found: Buffer[] = []
  try {
    for await (const entry of reader) {
      const expected = found.length === 0 ? MANIFEST_FILE : SIGNATURE_FILE
      if (entry.header.name !== expected || (entry.header.size ?? 0) > MAX_HEAD_BYTES)
        throw unreadable(file, `does not start with ${expected}`)
      const chunks: Buffer[] = []
      for await (const chunk of entry) chunks.push(chunk as Buffer)
      found.push(Buffer.concat(chunks))
      if (found.length === 2) break
    }
  } catch (error) {
    if (error instanceof BundleError) throw error
    throw unreadable(file, `is not a discode bundle (${(error as Error).message})`, error)
  } finally {
    source.destroy()
  }
  if (found.length < 2) throw unreadable(file, found.length === 0 ? 'is empty or not a tar file' : 'has no manifest.sig')
  return {manifest: found[0], signature: found[1].toString('utf8')}
}

export interface VerifyPartsOptions {
  /** Each verified part is written under this directory (by its path); undefined: hashed only. */
  extractTo?: string
  onProgress?: (done: number, total: number) => void
}

/**
 * Streams every part after the head and checks it against the (verified) manifest: no unknown or
 * repeated part, each one's size and sha256, none missing. The first failure is refused, naming the part.
 */
export async function verifyParts(file: string, manifest: BundleManifest, options: VerifyPartsOptions = {}): Promise<void> {
  const expected = new Map(manifest.parts.map((part) => [part.path, part]))
  const total = manifest.parts.reduce((sum, part) => sum + part.size, 0)
  const seen = new Set<string>()
  const progress = {done: 0, total, report: options.onProgress}
  const reader = extract()
  const source = createReadStream(file)
  source.on('error', (error) => reader.destroy(error))
  source.pipe(reader)
  let current = 'manifest.json'
  try {
    let index = 0
    for await (const entry of reader) {
      current = entry.header.name
      if (index++ < 2) {
        entry.resume()
        continue
      }
      const part = expected.get(current)
      if (!part || seen.has(current)) throw tampered(file, current, part ? 'appears twice' : 'is not listed in the signed manifest')
      seen.add(current)
      await checkPart(file, part, entry, progress, options.extractTo)
    }
  } catch (error) {
    if (error instanceof BundleError) throw error
    throw unreadable(file, `is truncated or damaged in part ${current} (${(error as Error).message})`, error)
  } finally {
    source.destroy()
  }
  const missing = manifest.parts.find((part) => !seen.has(part.path))
  if (missing) throw unreadable(file, `is truncated: part ${missing.path} is missing`)
}

function tampered(file: string, part: string, reason: string): BundleError {
  return new BundleError(`the bundle ${file} was changed: part ${part} ${reason}`, {
    code: 'BUNDLE_PART_MISMATCH',
    hint: 'Do not use it: nothing was loaded. Copy the file again, or ask the vendor for it',
  })
}

async function checkPart(
  file: string,
  part: BundlePart,
  entry: AsyncIterable<unknown>,
  progress: {done: number; total: number; report?: (done: number, total: number) => void},
  extractTo?: string,
): Promise<void> {
  const hash = createHash('sha256')
  let out: WriteStream | undefined
  if (extractTo) {
    const path = join(extractTo, part.path)
    mkdirSync(dirname(path), {recursive: true})
    out = createWriteStream(path, {mode: 0o600})
  }
  let size = 0
  for await (const data of entry) {
    const chunk = data as Buffer
    size += chunk.length
    hash.update(chunk)
    progress.done += chunk.length
    progress.report?.(progress.done, progress.total)
    if (out && !out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
  }
  if (out) await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())))
  if (size !== part.size) throw tampered(file, part.path, `has ${size} bytes, the manifest says ${part.size}`)
  const digest = hash.digest('hex')
  if (digest !== part.sha256)
    throw tampered(file, part.path, `has sha256 ${digest.slice(0, 12)}..., the manifest says ${part.sha256.slice(0, 12)}...`)
}
