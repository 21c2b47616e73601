import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {AppRecord} from '../state/store.js'
import {dataRollbackDecision, rememberMigrationSnapshot, snapshotToRestore} from './data-rollback.js'

function record(version: string, refs: AppRecord['dataSnapshots'] = []): AppRecord {
  return {
    app: 'shop',
    recipe: {ref: 'shop', source: 'builtin', dir: '/r'},
    inputs: {},
    current: {version, image: `shop:${version}`, imageId: 'sha256:x', key: 'k', container: 'shop-k'},
    previous: [],
    installedAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    dataSnapshots: refs,
  }
}

const ref = (beforeVersion: string, fromVersion: string, takenAt: string) => ({
  snapshot: `s-${beforeVersion}`,
  path: `/b/s-${beforeVersion}`,
  takenAt,
  fromVersion,
  beforeVersion,
})

describe('dataRollbackDecision', () => {
  const now = new Date('2026-03-01T12:00:00Z')

  it('a rollback below a migrated release names the snapshot from before it and the writes lost', () => {
    const decision = dataRollbackDecision(record('2.0.0', [ref('2.0.0', '1.4.0', '2026-03-01T11:00:00Z')]), '1.4.0', now)
    assert.deepEqual(decision, {
      crossesMigration: true,
      migrations: ['2.0.0'],
      snapshot: ref('2.0.0', '1.4.0', '2026-03-01T11:00:00Z'),
      exact: true,
      minutesOfWritesLost: 60,
      declared: false,
    })
  })

  it("declared: the newest crossed migration's stored range holds the target, or the recipe is expand-only", () => {
    const declared = (range?: string) => ({...ref('2.0.0', '1.4.0', '2026-03-01T11:00:00Z'), ...(range ? {rollbackTo: range} : {})})
    const decide = (refs: AppRecord['dataSnapshots'], recipe = {}) => {
      const decision = dataRollbackDecision(record('3.0.0', refs), '1.4.0', now, recipe)
      return decision.crossesMigration && decision.declared
    }
    assert.equal(decide([declared('>=1.0.0')]), true)
    assert.equal(decide([declared('>=1.5.0')]), false)
    assert.equal(decide([{...declared(), beforeVersion: '3.0.0'}, declared('>=1.0.0')]), false, 'the newest migration declared nothing')
    assert.equal(decide([{...declared('>=1.0.0'), beforeVersion: '3.0.0'}, declared()]), true, "the newest one's data holds the older")
    assert.equal(decide([declared()], {migrations: 'expand-only'}), true)
  })

  it('the update stores the declared range with the snapshot', () => {
    const next = rememberMigrationSnapshot(record('1.0.0'), {id: 's', dir: '/b/s', createdAt: '2026-03-01T11:00:00Z'}, '1.1.0', '>=1.0.0')
    assert.equal(next.dataSnapshots?.[0].rollbackTo, '>=1.0.0')
  })

  it('no migration between the target and the serving release: code only is safe', () => {
    const migrated = record('2.1.0', [ref('2.0.0', '1.4.0', '2026-03-01T11:00:00Z')])
    assert.deepEqual(dataRollbackDecision(migrated, '2.0.0', now), {crossesMigration: false})
    assert.deepEqual(dataRollbackDecision(record('2.0.0'), '1.0.0', now), {crossesMigration: false})
  })

  it('across two migrations, the snapshot from before the oldest one; not exact when taken on another release', () => {
    const twice = record('3.0.0', [ref('3.0.0', '2.0.0', '2026-03-01T11:30:00Z'), ref('2.0.0', '1.4.0', '2026-02-01T00:00:00Z')])
    const decision = dataRollbackDecision(twice, '1.2.0', now)
    assert.equal(decision.crossesMigration, true)
    if (!decision.crossesMigration) return
    assert.deepEqual(decision.migrations, ['2.0.0', '3.0.0'])
    assert.equal(decision.snapshot.snapshot, 's-2.0.0')
    assert.equal(decision.exact, false)
  })

  it('after a --keep-data rollback and a new migration, the newer snapshot taken on the same release, not the older one', () => {
    // 1.0.0 → 1.1.0 (snapshot A), --keep-data back to 1.0.0 (on 1.1.0's data), → 1.2.0 (snapshot B, newer).
    const older = {...ref('1.1.0', '1.0.0', '2026-02-01T00:00:00Z'), snapshot: 'A'}
    const newer = {...ref('1.2.0', '1.0.0', '2026-03-01T11:00:00Z'), snapshot: 'B'}
    const decision = dataRollbackDecision(record('1.2.0', [newer, older]), '1.0.0', now)
    assert.equal(decision.crossesMigration, true)
    if (!decision.crossesMigration) return
    assert.equal(decision.snapshot.snapshot, 'B')
    assert.deepEqual(decision.migrations, ['1.2.0'], "1.1.0's migration was on the data 1.0.0 kept running on")
    assert.equal(decision.minutesOfWritesLost, 60)
    // The same release migrated to twice (1.1.0 again): the newer of the two.
    const again = {...ref('1.1.0', '1.0.0', '2026-03-01T11:00:00Z'), snapshot: 'C'}
    assert.equal(snapshotToRestore([older, again], '1.0.0').snapshot, 'C')
    // None taken on the target itself: the one from before the oldest migration, as before.
    assert.equal(snapshotToRestore([older, newer], '0.9.0').snapshot, 'A')
  })

  it('rememberMigrationSnapshot records the serving release, newest first', () => {
    const next = rememberMigrationSnapshot(record('1.4.0'), {id: 'id1', dir: '/b/id1', createdAt: '2026-03-01T00:00:00Z'}, '2.0.0')
    assert.deepEqual(next.dataSnapshots?.[0], {
      snapshot: 'id1',
      path: '/b/id1',
      takenAt: '2026-03-01T00:00:00Z',
      fromVersion: '1.4.0',
      beforeVersion: '2.0.0',
    })
  })
})
