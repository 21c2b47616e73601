import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {DiscodeError} from '../errors.js'
import {RecipeSchema} from '../recipes/schema.js'
import type {DataSnapshotRef, ReleaseRecord} from '../state/store.js'
import {planRollback, type RollbackFacts} from './rollback-plan.js'

const release = (version: string): ReleaseRecord =>
  ({
    version,
    image: `acme/demo:${version}`,
    imageId: `sha256:${version}`,
    container: `demo-${version}`,
    deployedAt: '2026-01-01T00:00:00Z',
  }) as ReleaseRecord

/** The snapshot the update to 2.0.0 took before its migration, while 1.0.0 served. */
const BEFORE_2: DataSnapshotRef = {
  snapshot: '20260101-pre-update',
  path: '/backups/demo/20260101-pre-update',
  takenAt: '2026-01-01T10:00:00.000Z',
  fromVersion: '1.0.0',
  beforeVersion: '2.0.0',
}

function facts(
  options: {hooks?: Record<string, unknown>; extra?: Record<string, unknown>; snapshots?: DataSnapshotRef[]; oneHost?: boolean} = {},
): RollbackFacts {
  const raw = RecipeSchema.parse({
    name: 'demo',
    image: 'acme/demo',
    feed: 'https://releases.test/demo.json',
    hooks: {preSwitch: [{name: 'migrate', run: ['migrate']}], postSwitch: [], preRollback: [], ...options.hooks},
    ...options.extra,
  })
  const oneHost = options.oneHost ?? true
  return {
    app: 'demo',
    raw,
    storedSecrets: {generated: {}, inputs: {}},
    record: {
      app: 'demo',
      recipe: {ref: 'demo', source: 'path', dir: '/r'},
      inputs: {},
      current: release('2.0.0'),
      previous: [release('1.0.0')],
      installedAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
      dataSnapshots: options.snapshots ?? [BEFORE_2],
    },
    runtime: {
      requireOneHost(app) {
        if (!oneHost) throw new DiscodeError(`${app} runs on a cluster`, {hint: 'On one host only', code: 'CLUSTER_UNSUPPORTED'})
      },
    },
    now: new Date('2026-01-01T10:30:00.000Z'),
  }
}

describe('planRollback', () => {
  it('back to the previous release; no migration since it served: the data is untouched', () => {
    const plan = planRollback(facts({snapshots: []}), {})
    assert.deepEqual(plan.target, {version: '1.0.0', image: 'acme/demo:1.0.0', container: 'demo-1.0.0'})
    assert.deepEqual([plan.data, plan.blockers], [{action: 'none'}, []])
  })

  it('across a migration with nothing declared: a blocker naming the snapshot and the writes lost', () => {
    const plan = planRollback(facts(), {})
    assert.equal(plan.data.action, 'needs-choice')
    assert.deepEqual(
      plan.blockers.map((b) => b.code),
      ['ROLLBACK_NEEDS_DATA_CHOICE'],
    )
    assert.match(plan.blockers[0].hint, /snapshot 20260101-pre-update .*last 30 minute\(s\)/)
  })

  it('--restore-data restores the snapshot the target ran on; --keep-data keeps the data', () => {
    const restore = planRollback(facts(), {data: 'restore'})
    assert.deepEqual(restore.data, {
      action: 'restore',
      migrations: ['2.0.0'],
      snapshot: {id: BEFORE_2.snapshot, path: BEFORE_2.path, takenAt: BEFORE_2.takenAt},
    })
    assert.deepEqual(restore.blockers, [])
    assert.deepEqual(planRollback(facts(), {data: 'keep'}).data, {action: 'keep', reason: 'chosen', migrations: ['2.0.0']})
  })

  it('the recipe reverses its migrations, or the vendor declared the data compatible: no choice needed', () => {
    const reverse = planRollback(facts({hooks: {preRollback: [{name: 'unmigrate', run: ['unmigrate']}]}}), {})
    assert.deepEqual([reverse.data, reverse.blockers], [{action: 'reverse-migrations', migrations: ['2.0.0'], hooks: ['unmigrate']}, []])
    const declared = planRollback(facts({snapshots: [{...BEFORE_2, rollbackTo: '>=1.0.0'}]}), {})
    assert.deepEqual(declared.data, {action: 'keep', reason: 'declared-compatible', migrations: ['2.0.0']})
    const expandOnly = planRollback(facts({extra: {migrations: 'expand-only'}}), {})
    assert.deepEqual([expandOnly.data.action, expandOnly.blockers], ['keep', []])
  })

  it('a cluster refuses --restore-data (its processes follow, as on one host); a release not kept blocks with no target', () => {
    const cluster = planRollback(facts({oneHost: false, extra: {processes: {worker: {command: ['jobs']}}}}), {data: 'restore'})
    assert.deepEqual(
      cluster.blockers.map((b) => b.code),
      ['CLUSTER_UNSUPPORTED'],
    )
    const missing = planRollback(facts(), {to: '0.5.0'})
    assert.deepEqual([missing.target, missing.blockers.map((b) => b.code)], [null, ['NO_PREVIOUS_RELEASE']])
  })
})
