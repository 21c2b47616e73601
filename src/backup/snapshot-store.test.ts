import assert from 'node:assert/strict'
import {existsSync, mkdtempSync, readdirSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Readable} from 'node:stream'
import {describe, it} from 'node:test'

import type {Manifest} from './manifest.js'
import {commitSnapshot, listSnapshots, makePrivateDir, partialDir, removePartials, writePart} from './snapshot-store.js'
import {testManifest} from './testing/manifest.js'

function manifest(id: string, createdAt: string): Manifest {
  return testManifest({id, createdAt})
}

describe('snapshot store', () => {
  it('a snapshot exists only once committed; partial ones are not listed and are removed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'snapstore-'))
    const partial = partialDir(root, 'shop', 'a')
    makePrivateDir(partial)
    const part = await writePart(join(partial, 'volumes', 'data.tar'), Readable.from([Buffer.from('hello')]))
    assert.deepEqual(part, {size: 5, sha256: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'})
    assert.equal(statSync(join(partial, 'volumes', 'data.tar')).mode & 0o777, 0o600)
    assert.deepEqual(listSnapshots(root, 'shop'), [], 'not committed yet')

    commitSnapshot(partial, join(root, 'shop', 'a'), manifest('a', '2026-01-01T00:00:00Z'), Buffer.alloc(32, 1))
    assert.equal(statSync(join(root, 'shop', 'a')).mode & 0o777, 0o700)
    makePrivateDir(partialDir(root, 'shop', 'b'))
    assert.deepEqual(
      listSnapshots(root, 'shop').map((s) => s.id),
      ['a'],
    )
    assert.deepEqual(removePartials(root, 'shop'), ['.b.partial'])
    assert.deepEqual(readdirSync(join(root, 'shop')), ['a'])
    assert.ok(!existsSync(partial))
  })
})
