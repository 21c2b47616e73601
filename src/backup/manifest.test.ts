import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {isSnapshotId, parseManifest, partFile, snapshotId} from './manifest.js'
import {testManifest} from './testing/manifest.js'

describe('snapshot manifest', () => {
  it('ids sort by time and are recognised', () => {
    const id = snapshotId(new Date('2026-12-01T20:25:01.123Z'), 'pre-update', 'ab12')
    assert.equal(id, '20261201-202501-pre-update-ab12')
    assert.ok(isSnapshotId(id))
    assert.ok(!isSnapshotId('../etc'))
    assert.ok(!isSnapshotId('/tmp/snap'))
  })

  it('parses only a complete, valid manifest', () => {
    const manifest = testManifest({
      id: 'x',
      versions: {discode: '0.1.0', release: '1.0.0', accessories: {}},
      parts: [{kind: 'volume', file: 'volumes/data.tar', size: 10, sha256: 'a'.repeat(64), volume: 'data'}],
    })
    assert.equal(parseManifest(JSON.stringify(manifest))?.id, 'x')
    assert.equal(parseManifest(JSON.stringify(manifest).slice(0, 100)), undefined, 'cut short')
    assert.equal(
      parseManifest(JSON.stringify({...manifest, parts: [{...manifest.parts[0], file: '../../etc/passwd'}]})),
      undefined,
      'a path out of the snapshot',
    )
  })

  it('names part files after what they hold', () => {
    assert.equal(partFile({kind: 'volume', volume: 'data'}, false), 'volumes/data.tar')
    assert.equal(partFile({kind: 'accessory-dump', accessory: 'db'}, true), 'accessories/db/dump.age')
    assert.equal(partFile({kind: 'secrets'}, true), 'secrets.json.age')
  })
})
