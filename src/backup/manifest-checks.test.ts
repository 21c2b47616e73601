import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {Manifest, ManifestPart} from './manifest.js'
import {manifestProblem, partFileProblem, repositoryOf, restoreTargets} from './manifest-checks.js'
import {testManifest} from './testing/manifest.js'

const sha256 = 'a'.repeat(64)
const part = (p: Omit<ManifestPart, 'size' | 'sha256'>): ManifestPart => ({...p, size: 1, sha256})

function manifest(changes: Partial<Manifest> = {}): Manifest {
  return testManifest({
    versions: {discode: '0.1.0', release: '1.0.0', image: 'registry.example/shop/app:1.0.0', accessories: {}},
    parts: [
      part({kind: 'record', file: 'app.json'}),
      part({kind: 'secrets', file: 'secrets.json'}),
      part({kind: 'volume', file: 'volumes/data.tar', volume: 'data'}),
      part({kind: 'accessory-dump', file: 'accessories/db/dump', accessory: 'db'}),
      part({kind: 'accessory-volume', file: 'accessories/cache/state.tar', accessory: 'cache', volume: 'state'}),
    ],
    ...changes,
  })
}

const recipe = {
  image: 'registry.example/shop/app',
  volumes: [{name: 'data'}],
  accessories: {db: {volumes: [{name: 'data'}]}, cache: {volumes: [{name: 'state'}]}},
}
const context = {app: 'shop', recipe, encrypts: false, recover: false}

describe('snapshot manifest against the app', () => {
  it("accepts discode's own manifest of the app", () => {
    assert.equal(manifestProblem(manifest(), context), undefined)
    assert.equal(manifestProblem(manifest(), {...context, recover: true}), undefined)
  })

  it('refuses a plain snapshot for an app whose snapshots are encrypted', () => {
    assert.equal(manifestProblem(manifest(), {...context, encrypts: true})?.code, 'SNAPSHOT_NOT_ENCRYPTED')
    const encrypted = manifest({encrypted: true, parts: manifest().parts.map((p) => ({...p, file: `${p.file}.age`}))})
    assert.equal(manifestProblem(encrypted, {...context, encrypts: true}), undefined)
  })

  it("refuses a foreign accessory (blog-db in a snapshot of shop), an undeclared volume, another app's snapshot", () => {
    const foreign = manifest({
      parts: [...manifest().parts, part({kind: 'accessory-dump', file: 'accessories/blog-db/dump', accessory: 'blog-db'})],
    })
    assert.match(manifestProblem(foreign, context)!.message, /accessory blog-db the recipe does not declare/)
    const volume = manifest({parts: [part({kind: 'volume', file: 'volumes/blog-data.tar', volume: 'blog-data'})]})
    assert.match(manifestProblem(volume, context)!.message, /volume blog-data the recipe does not declare/)
    const accessoryVolume = manifest({
      parts: [part({kind: 'accessory-volume', file: 'accessories/db/other.tar', accessory: 'db', volume: 'other'})],
    })
    assert.match(manifestProblem(accessoryVolume, context)!.message, /volume other the accessory db does not declare/)
    assert.equal(manifestProblem(manifest({app: 'shop-blog'}), context)?.code, 'SNAPSHOT_OTHER_APP')
  })

  it('keeps every file inside the snapshot directory, where discode puts it', () => {
    const volume = {kind: 'volume' as const, volume: 'data', size: 1, sha256}
    assert.equal(partFileProblem({...volume, file: 'volumes/data.tar'}, false), undefined)
    assert.match(partFileProblem({...volume, file: 'volumes/../../etc/passwd'}, false)!, /not a path inside the snapshot/)
    assert.match(partFileProblem({...volume, file: '/etc/passwd'}, false)!, /not a path inside/)
    assert.match(partFileProblem({...volume, file: 'volumes/data.tar'}, true)!, /not where discode puts/, 'encrypted: .age')
    assert.match(partFileProblem({...volume, file: 'secrets.json'}, false)!, /not where discode puts a volume part/)
    const dots = manifest({parts: [part({kind: 'volume', file: 'volumes/../../x', volume: 'data'})]})
    assert.equal(manifestProblem(dots, context)?.code, 'SNAPSHOT_REFUSED')
  })

  it("a disaster recovery pulls only from the recipe's repository", () => {
    const other = manifest({versions: {...manifest().versions, image: 'evil.example/shop/app:1.0.0'}})
    assert.match(
      manifestProblem(other, {...context, recover: true})!.message,
      /not from the recipe's repository registry\.example\/shop\/app/,
    )
    assert.equal(manifestProblem(other, context), undefined, 'restoring into the installed app pulls nothing')
    assert.equal(repositoryOf('localhost:5000/a/b:1.0@sha256:abc'), 'localhost:5000/a/b')
    assert.equal(repositoryOf('localhost:5000/a/b'), 'localhost:5000/a/b')
  })

  it('names the Docker objects a restore removes and recreates', () => {
    assert.deepEqual(restoreTargets('shop', manifest()), {
      volumes: ['shop-data', 'shop-cache-state'],
      containers: ['shop-db', 'shop-cache'],
    })
  })
})
