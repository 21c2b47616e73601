import assert from 'node:assert/strict'
import {createReadStream, mkdtempSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'
import {createGunzip} from 'node:zlib'

import {extract} from 'tar-stream'

import {redactedEntries, writeArchive} from './bundle-archive.js'
import {REDACTED} from '../secrets/redact.js'

async function readArchive(file: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {}
  const reader = extract()
  createReadStream(file).pipe(createGunzip()).pipe(reader)
  for await (const entry of reader) {
    const chunks: Buffer[] = []
    for await (const chunk of entry) chunks.push(chunk as Buffer)
    files[entry.header.name] = Buffer.concat(chunks).toString('utf8')
  }
  return files
}

describe('support bundle archive', () => {
  const dir = mkdtempSync(join(tmpdir(), 'discode-bundle-test-'))
  after(() => rmSync(dir, {recursive: true, force: true}))

  it('writes every entry under one root, redacted, as a 0600 .tar.gz', async () => {
    const file = join(dir, 'b.tar.gz')
    const entries = redactedEntries(
      [
        {path: 'a.json', content: '{"key":"sup3r-s3cret"}\n'},
        {path: 'apps/x/logs/c.txt', content: 'start with sup3r-s3cret and c3VwM3ItczNjcmV0\n'},
      ],
      ['sup3r-s3cret'],
    )
    await writeArchive(file, 'root', entries)
    assert.equal(statSync(file).mode & 0o777, 0o600)
    const files = await readArchive(file)
    assert.deepEqual(Object.keys(files).sort(), ['root/a.json', 'root/apps/x/logs/c.txt'])
    assert.equal(files['root/a.json'], `{"key":"${REDACTED}"}\n`)
    assert.equal(files['root/apps/x/logs/c.txt'], `start with ${REDACTED} and ${REDACTED}\n`)
  })
})
