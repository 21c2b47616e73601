import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import {mkdirSync, mkdtempSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, it} from 'node:test'

import {testManifest} from './testing/manifest.js'
import {verifySnapshot} from './verify.js'

/** A one-part snapshot directory whose volume part is `place`d by the test (a file, or a symlink). */
function snapshotWith(file: string, place: (dir: string, data: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'verify-'))
  const data = 'volume bytes'
  mkdirSync(join(dir, 'volumes'))
  place(dir, data)
  const manifest = testManifest({
    parts: [{kind: 'volume', file, volume: 'data', size: data.length, sha256: createHash('sha256').update(data).digest('hex')}],
  })
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest))
  return dir
}

describe('verifySnapshot keeps every part inside the snapshot directory', () => {
  it('accepts a part where discode puts it', async () => {
    const dir = snapshotWith('volumes/data.tar', (d, data) => writeFileSync(join(d, 'volumes', 'data.tar'), data))
    assert.equal((await verifySnapshot(dir)).id, '20261201-000000-manual-abcd')
  })

  it('refuses a symlink out of the snapshot, even with the right checksum', async () => {
    const outside = join(mkdtempSync(join(tmpdir(), 'outside-')), 'secret')
    const dir = snapshotWith('volumes/data.tar', (d, data) => {
      writeFileSync(outside, data)
      symlinkSync(outside, join(d, 'volumes', 'data.tar'))
    })
    await assert.rejects(verifySnapshot(dir), /volumes\/data\.tar is not a file inside the snapshot directory/)
  })

  it('refuses .. in a part file before reading it', async () => {
    const dir = snapshotWith('volumes/../../x.tar', () => {})
    await assert.rejects(verifySnapshot(dir), (error: Error & {code?: string}) => {
      assert.equal(error.code, 'SNAPSHOT_CORRUPT')
      assert.match(error.message, /not a path inside the snapshot/)
      return true
    })
  })
})
