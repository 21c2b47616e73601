import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {AppRecord, ReleaseRecord} from '../state/store.js'
import {planPrune, promote, rollbackTarget} from './history.js'

const release = (version: string): ReleaseRecord => ({
  version,
  image: `r:${version}`,
  imageId: `sha256:${version}`,
  key: version,
  container: `app-${version}`,
})
const record = (current?: ReleaseRecord, previous: ReleaseRecord[] = []): AppRecord => ({
  app: 'app',
  recipe: {ref: 'app', source: 'path', dir: '/r'},
  inputs: {},
  current,
  previous,
  installedAt: 'then',
  updatedAt: 'then',
})

describe('promote', () => {
  it('makes the release current and the one serving before the newest previous', () => {
    const next = promote(record(release('1.1'), [release('1.0')]), release('1.2'), new Date('2026-01-01T00:00:00Z'))
    assert.equal(next.current.version, '1.2')
    assert.equal(next.current.deployedAt, '2026-01-01T00:00:00.000Z')
    assert.deepEqual(
      next.previous.map((r) => r.version),
      ['1.1', '1.0'],
    )
  })

  it('on install there is nothing to keep', () => {
    assert.deepEqual(promote(record(), release('1.0')).previous, [])
  })

  it('a rollback target leaves the previous list instead of appearing twice', () => {
    const next = promote(record(release('1.2'), [release('1.1'), release('1.0')]), release('1.0'))
    assert.deepEqual(
      next.previous.map((r) => r.version),
      ['1.2', '1.1'],
    )
  })
})

describe('planPrune', () => {
  it('drops all but the newest kept releases', () => {
    const {record: pruned, drop} = planPrune(record(release('4'), [release('3'), release('2'), release('1')]), 2)
    assert.deepEqual(
      drop.map((r) => r.version),
      ['1'],
    )
    assert.deepEqual(
      pruned.previous.map((r) => r.version),
      ['3', '2'],
    )
  })

  it('returns the same record when nothing is dropped (no write needed)', () => {
    const r = record(release('2'), [release('1')])
    assert.equal(planPrune(r, 2).record, r)
  })
})

describe('rollbackTarget', () => {
  const r = record(release('3'), [release('2'), release('1')])
  it('is the newest previous release by default, or the named one', () => {
    assert.equal(rollbackTarget(r).version, '2')
    assert.equal(rollbackTarget(r, '1').version, '1')
  })
  it('refuses a release not kept on the host, with a hint', () => {
    assert.throws(
      () => rollbackTarget(r, '0.9'),
      (e: Error & {code?: string}) => e.code === 'NO_PREVIOUS_RELEASE' && /0\.9/.test(e.message),
    )
    assert.throws(() => rollbackTarget(record(release('1'))), /no previous release/)
  })
})
