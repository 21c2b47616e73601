import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {AppRecord, ReleaseRecord} from '../state/store.js'
import {planReconcile, type SeenContainer} from './reconcile-plan.js'

const release = (v: string): ReleaseRecord => ({version: v, image: `r:${v}`, imageId: `sha256:${v}`, key: `k${v}`, container: `app-k${v}`})
const record = (current: ReleaseRecord | undefined, previous: ReleaseRecord[] = []): AppRecord => ({
  app: 'app',
  recipe: {ref: 'app', source: 'path', dir: '/r'},
  inputs: {},
  current,
  previous,
  installedAt: 'then',
  updatedAt: 'then',
})
const seen = (r: ReleaseRecord, state = 'running'): SeenContainer => ({
  name: r.container,
  state,
  imageId: r.imageId,
  labels: {'discode.app': 'app', 'discode.version': r.version, 'discode.release': r.key, 'discode.image': r.image},
})

describe('planReconcile', () => {
  const v1 = release('1'),
    v2 = release('2'),
    v3 = release('3')

  it('changes nothing when Docker and the proxy agree with the record', () => {
    const r = record(v2, [v1])
    const plan = planReconcile(r, [seen(v2), seen(v1, 'exited')], v2.container)
    assert.equal(plan.record, r)
    assert.deepEqual(plan.actions, [])
  })

  it('follows the proxy when it serves a release the record does not call current (crash after the switch)', () => {
    const plan = planReconcile(record(v1), [seen(v1), seen(v2)], v2.container)
    assert.equal(plan.adopted?.version, '2')
    assert.equal(plan.record.current?.container, v2.container)
    assert.deepEqual(
      plan.record.previous.map((r) => r.version),
      ['1'],
    )
    // The old one is now a kept previous release that still runs: stopped.
    assert.deepEqual(plan.actions, [{container: v1.container, action: 'stop'}])
  })

  it("removes an interrupted update's new container that never took traffic, saying so", () => {
    const plan = planReconcile(record(v1), [seen(v1), seen(v2)], v1.container)
    assert.equal(plan.adopted, undefined)
    assert.deepEqual(plan.actions, [
      {container: v2.container, action: 'remove', warn: `Removing ${v2.container}, left over by an interrupted run`},
    ])
  })

  it('starts the current release when the route targets it but it is stopped (a pause that died)', () => {
    const plan = planReconcile(record(v2, [v1]), [seen(v2, 'exited'), seen(v1, 'exited')], v2.container)
    assert.deepEqual(plan.actions, [{container: v2.container, action: 'start'}])
  })

  it('leaves a stopped current release alone when the proxy routes elsewhere or nowhere', () => {
    assert.deepEqual(planReconcile(record(v2), [seen(v2, 'exited')], undefined).actions, [])
  })

  it('removes hook containers and never touches accessories', () => {
    const hook: SeenContainer = {
      name: 'app-hook-1',
      state: 'running',
      imageId: 'x',
      labels: {'discode.app': 'app', 'discode.hook': 'migrate'},
    }
    const db: SeenContainer = {name: 'app-db', state: 'exited', imageId: 'y', labels: {'discode.app': 'app', 'discode.accessory': 'db'}}
    const plan = planReconcile(record(v3), [seen(v3), hook, db], v3.container)
    assert.deepEqual(plan.actions, [{container: 'app-hook-1', action: 'remove'}])
  })

  it('removes a `discode run` container only when its discode process is gone', () => {
    const run = (name: string, owner: string): SeenContainer => ({
      name,
      state: 'running',
      imageId: 'x',
      labels: {'discode.app': 'app', 'discode.run': owner},
    })
    const containers = [seen(v3), run('app-run-live', 'h:1'), run('app-run-gone', 'h:2')]
    const plan = planReconcile(record(v3), containers, v3.container, new Date(), (labels) => labels['discode.run'] === 'h:2')
    assert.deepEqual(
      plan.actions.map((a) => a.container),
      ['app-run-gone'],
    )
    assert.deepEqual(planReconcile(record(v3), containers, v3.container).actions, [], 'by default no run is judged stale')
  })

  it('keeps a container the proxy routes to even when unknown to the record (no release label: not adopted)', () => {
    const stray: SeenContainer = {name: 'app-stray', state: 'running', imageId: 'z', labels: {'discode.app': 'app'}}
    const plan = planReconcile(record(v1), [seen(v1), stray], 'app-stray')
    assert.equal(plan.adopted, undefined)
    assert.deepEqual(plan.actions, [])
  })
})
