import {createReadStream} from 'node:fs'
import {join} from 'node:path'
import {Readable} from 'node:stream'

import {decryptStream, encryptStream} from './encryption.js'
import {type ManifestPart, partFile} from './manifest.js'
import {writePart} from './snapshot-store.js'

/** One part of a snapshot being written: encrypted on the way when the snapshot has a key. */
export async function storePart(
  dir: string,
  part: Pick<ManifestPart, 'kind' | 'volume' | 'accessory' | 'path'>,
  source: Readable | string,
  options: {recipient?: string; onBytes?: (bytes: number) => void},
): Promise<ManifestPart> {
  const file = partFile(part, Boolean(options.recipient))
  const plain = typeof source === 'string' ? Readable.from([Buffer.from(source)]) : source
  const stream = options.recipient ? await encryptStream(plain, options.recipient) : plain
  const {size, sha256} = await writePart(join(dir, file), stream, options.onBytes)
  return {...part, file, size, sha256}
}

/** A part's plaintext, decrypted with the snapshot's identity when it is encrypted. */
export async function openPart(dir: string, part: ManifestPart, identity?: string): Promise<Readable> {
  const raw = createReadStream(join(dir, part.file))
  return identity ? decryptStream(raw, identity) : raw
}

export async function readPartText(dir: string, part: ManifestPart, identity?: string): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of await openPart(dir, part, identity)) chunks.push(Buffer.from(chunk as Uint8Array))
  return Buffer.concat(chunks).toString('utf8')
}
