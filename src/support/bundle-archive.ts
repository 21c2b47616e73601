/**
 * Writes a support bundle: every entry is redacted here, in one place, on its way into the archive
 * (tar-stream for the tar format, node's zlib for gzip), so no collector can forget to.
 */
import {createWriteStream} from 'node:fs'
import {pipeline} from 'node:stream/promises'
import {createGzip} from 'node:zlib'

import {pack} from 'tar-stream'

import {redact} from '../secrets/redact.js'

export interface BundleEntry {
  /** Path inside the archive, e.g. `apps/shop/logs/shop-1a2b3c4d5e6f.txt`. */
  path: string
  content: string
}

/** The entries as they go into the archive: each redacted, and a manifest of what went in. */
export function redactedEntries(entries: BundleEntry[], secrets: string[]): BundleEntry[] {
  return entries.map((entry) => ({path: entry.path, content: redact(entry.content, secrets)}))
}

export async function writeArchive(file: string, root: string, entries: BundleEntry[]): Promise<void> {
  const archive = pack()
  const written = pipeline(archive, createGzip(), createWriteStream(file, {mode: 0o600}))
  const mtime = new Date()
  for (const entry of entries) {
    await new Promise<void>((resolve, reject) =>
      archive.entry({name: `${root}/${entry.path}`, mode: 0o644, mtime}, entry.content, (error) => (error ? reject(error) : resolve())),
    )
  }
  archive.finalize()
  await written
}
