import assert from 'node:assert/strict'
import {createHash, generateKeyPairSync} from 'node:crypto'
import {mkdtempSync, readFileSync, rmSync, truncateSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Readable} from 'node:stream'
import {after, describe, it} from 'node:test'

import {type PartSource, readHead, verifyParts, writeBundle} from './archive.js'
import {BundleError} from './errors.js'
import {BUNDLE_FORMAT, type BundleManifest, manifestBytes, rawPublicKey, signManifest, verifyManifest} from './manifest.js'

const dir = mkdtempSync(join(tmpdir(), 'bundle-archive-'))
after(() => rmSync(dir, {recursive: true, force: true}))
const {privateKey} = generateKeyPairSync('ed25519')
const key = rawPublicKey(privateKey)

function part(path: string, body: string): PartSource {
  const bytes = Buffer.from(body)
  return {path, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), open: () => Readable.from([bytes])}
}

const parts = [part(`blobs/sha256/${'b'.repeat(64)}`, 'layer bytes '.repeat(500)), part('recipe/recipe.yml', 'name: demo\n')]
const manifest: BundleManifest = {
  format: BUNDLE_FORMAT,
  app: 'demo',
  feedKey: key,
  published: '2026-01-01T00:00:00.000Z',
  releases: [{version: '1.0.0', image: `r/demo@sha256:${'a'.repeat(64)}`}],
  images: [],
  parts: parts.map(({path, size, sha256}) => ({path, size, sha256})),
}

async function write(name: string, list = parts): Promise<string> {
  const file = join(dir, name)
  const bytes = manifestBytes(manifest)
  await writeBundle(file, {manifest: bytes, signature: signManifest(bytes, privateKey)}, list)
  return file
}

async function refusal(work: Promise<unknown>): Promise<BundleError> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  assert.ok(error instanceof BundleError, `expected a BundleError, got ${String(error)}`)
  assert.ok(!error.message.includes('\n'))
  return error
}

describe('bundle archive', () => {
  it('the same inputs give the same bytes, whatever order the parts come in', async () => {
    const a = await write('a.bundle')
    const b = await write('b.bundle', [...parts].reverse())
    assert.deepEqual(readFileSync(a), readFileSync(b))
  })

  it('reads the head, verifies the signature and every part, and extracts them', async () => {
    const file = await write('good.bundle')
    const head = await readHead(file)
    const verified = verifyManifest(head.manifest, head.signature, key, file)
    assert.equal(verified.app, 'demo')
    const out = join(dir, 'out')
    let last = 0
    await verifyParts(file, verified, {extractTo: out, onProgress: (done) => (last = done)})
    assert.equal(readFileSync(join(out, 'recipe/recipe.yml'), 'utf8'), 'name: demo\n')
    assert.equal(last, parts[0].size + parts[1].size)
  })

  it('refuses a manifest signed with another key', async () => {
    const file = await write('other.bundle')
    const head = await readHead(file)
    const other = rawPublicKey(generateKeyPairSync('ed25519').privateKey)
    assert.throws(() => verifyManifest(head.manifest, head.signature, other, file), /not signed by the vendor's key/)
    const changed = Buffer.from(head.manifest.toString().replace('demo', 'dema'))
    assert.throws(
      () => verifyManifest(changed, head.signature, key, file),
      (error: BundleError) => error.code === 'BUNDLE_SIGNATURE_MISMATCH',
    )
  })

  it('refuses a flipped byte in a part, naming it', async () => {
    const file = await write('flipped.bundle')
    const bytes = readFileSync(file)
    const at = bytes.indexOf('layer bytes')
    bytes[at] ^= 1
    writeFileSync(file, bytes)
    const error = await refusal(verifyParts(file, manifest))
    assert.equal(error.code, 'BUNDLE_PART_MISMATCH')
    assert.match(error.message, /part blobs\/sha256\/b{64} has sha256/)
  })

  it('refuses a truncated file, naming the part', async () => {
    const file = await write('short.bundle')
    truncateSync(file, statSync(file).size - 2048)
    const error = await refusal(verifyParts(file, manifest))
    assert.match(error.message, /truncated.*recipe\/recipe\.yml/)
  })

  it('refuses a part the manifest does not list', async () => {
    const file = await write('extra.bundle', [...parts, part('recipe/extra.sh', 'echo hi')])
    const error = await refusal(verifyParts(file, manifest))
    assert.match(error.message, /part recipe\/extra\.sh is not listed in the signed manifest/)
  })

  it('says a file that is not a bundle is not one', async () => {
    const file = join(dir, 'not.bundle')
    writeFileSync(file, 'hello')
    const error = await refusal(readHead(file))
    assert.equal(error.code, 'BUNDLE_UNREADABLE')
  })
})
