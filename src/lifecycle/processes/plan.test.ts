import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {ReleaseRecord} from '../../state/store.js'
import {
  declaredProcesses,
  planProcessMove,
  planProcessRepair,
  processContainerName,
  processLabels,
  type SeenProcess,
  seenProcesses,
} from './plan.js'

const release = (v: string, processes?: Record<string, number>): ReleaseRecord => ({
  version: v,
  image: `r:${v}`,
  imageId: `sha256:${v}`,
  key: `k${v}`,
  container: `app-k${v}`,
  ...(processes ? {processes} : {}),
})
const seen = (v: string, process: string, replica: number, state = 'running'): SeenProcess => ({
  container: processContainerName('app', `k${v}`, process, replica),
  state,
  process,
  release: `k${v}`,
  replica,
})

describe('process names and labels', () => {
  it('names a replica beside the web and labels it with its process and replica', () => {
    assert.equal(processContainerName('shop', 'abc123', 'worker', 2), 'shop-abc123-worker-2')
    assert.deepEqual(processLabels('worker', 2), {'discode.process': 'worker', 'discode.replica': '2'})
  })

  it('reads process containers from the app containers by their labels only', () => {
    const labels = {'discode.app': 'app', 'discode.release': 'k2', ...processLabels('worker', 1)}
    const found = seenProcesses([
      {name: 'whatever-name', state: 'exited', labels},
      {name: 'app-k2', state: 'running', labels: {'discode.app': 'app', 'discode.release': 'k2'}},
    ])
    assert.deepEqual(found, [{container: 'whatever-name', state: 'exited', process: 'worker', release: 'k2', replica: 1}])
  })

  it('moves every process of a pause-strategy recipe as a singleton', () => {
    const processes = {worker: {replicas: 2, singleton: false}, clock: {replicas: 1, singleton: true}}
    assert.equal(declaredProcesses({strategy: 'bluegreen', processes}).worker.singleton, false)
    assert.equal(declaredProcesses({strategy: 'pause', processes}).worker.singleton, true)
  })
})

describe('planProcessMove', () => {
  const declared = {worker: {replicas: 2, singleton: false}, clock: {replicas: 1, singleton: true}}

  it('update: the new replicas are created; the old worker stops after, the old singleton before', () => {
    const move = planProcessMove('app', {key: 'k2'}, declared, [seen('1', 'worker', 1), seen('1', 'worker', 2), seen('1', 'clock', 1)])
    assert.deepEqual(move.stopFirst, ['app-k1-clock-1'])
    assert.deepEqual(
      move.bringUp.map((b) => `${b.container} ${b.create ? 'create' : 'start'}`),
      ['app-k2-clock-1 create', 'app-k2-worker-1 create', 'app-k2-worker-2 create'],
    )
    assert.deepEqual(move.stopAfter, ['app-k1-worker-1', 'app-k1-worker-2'])
    assert.deepEqual(move.remove, [])
  })

  it('rollback: the kept containers are started, a missing replica created, an extra one removed', () => {
    const move = planProcessMove('app', {key: 'k1'}, {worker: {replicas: 2, singleton: false}}, [
      seen('1', 'worker', 1, 'exited'),
      seen('1', 'worker', 3, 'exited'),
      seen('1', 'clock', 1, 'exited'),
      seen('2', 'worker', 1),
    ])
    assert.deepEqual(
      move.bringUp.map((b) => `${b.container} ${b.create ? 'create' : 'start'}`),
      ['app-k1-worker-1 start', 'app-k1-worker-2 create'],
    )
    assert.deepEqual(move.remove, ['app-k1-worker-3', 'app-k1-clock-1'])
    assert.deepEqual(move.stopAfter, ['app-k2-worker-1'])
  })

  it('a process the new release drops is stopped after; stopped old containers are left alone', () => {
    const move = planProcessMove('app', {key: 'k2'}, {}, [seen('1', 'worker', 1), seen('0', 'worker', 1, 'exited')])
    assert.deepEqual(move, {stopFirst: [], remove: [], bringUp: [], stopAfter: ['app-k1-worker-1']})
  })

  it('target replicas already running are not touched', () => {
    const move = planProcessMove('app', {key: 'k2'}, {worker: {replicas: 1, singleton: false}}, [seen('2', 'worker', 1)])
    assert.deepEqual(move.bringUp, [])
  })
})

describe('planProcessRepair', () => {
  const v1 = release('1', {worker: 1}),
    v2 = release('2', {worker: 1})

  it('changes nothing when the current processes run and the kept ones are stopped', () => {
    assert.deepEqual(planProcessRepair('app', v2, [v1], [seen('2', 'worker', 1), seen('1', 'worker', 1, 'exited')]), [])
  })

  it("starts the current release's stopped replica and stops a kept release's running one", () => {
    const repairs = planProcessRepair('app', v2, [v1], [seen('2', 'worker', 1, 'exited'), seen('1', 'worker', 1)])
    assert.deepEqual(
      repairs.map((r) => `${r.action} ${r.container}`),
      ['start app-k2-worker-1', 'stop app-k1-worker-1'],
    )
  })

  it("removes an interrupted run's new replicas and a current replica no longer declared", () => {
    const repairs = planProcessRepair('app', v1, [], [seen('3', 'worker', 1), seen('1', 'worker', 2, 'exited'), seen('1', 'worker', 1)])
    assert.deepEqual(
      repairs.map((r) => `${r.action} ${r.container}`),
      ['remove app-k3-worker-1', 'remove app-k1-worker-2'],
    )
    assert.match(repairs[0].warn ?? '', /left over by an interrupted run/)
  })

  it("creates the current release's recorded replicas that are gone (removed behind discode's back)", () => {
    const two = release('2', {worker: 2, clock: 1})
    const repairs = planProcessRepair(
      'app',
      two,
      [v1],
      [seen('2', 'worker', 1), seen('1', 'worker', 1, 'exited'), seen('2', 'clock', 1, 'exited')],
    )
    assert.deepEqual(
      repairs.map((r) => `${r.action} ${r.container}`),
      ['start app-k2-clock-1', 'create app-k2-worker-2'],
    )
    assert.deepEqual(repairs[1], {
      container: 'app-k2-worker-2',
      action: 'create',
      process: 'worker',
      replica: 2,
      warn: 'Creating app-k2-worker-2 again: it was gone',
    })
  })

  it('a recorded release whose worker is gone gets a new one; the kept release never stands in for it', () => {
    assert.deepEqual(
      planProcessRepair('app', v2, [v1], [seen('1', 'worker', 1)]).map((r) => `${r.action} ${r.container}`),
      ['stop app-k1-worker-1', 'create app-k2-worker-1'],
    )
    assert.deepEqual(
      planProcessRepair('app', v2, [v1], [seen('1', 'worker', 1, 'exited')]).map((r) => `${r.action} ${r.container}`),
      ['create app-k2-worker-1'],
    )
  })

  it('service units (a cluster): a gone process is its one service; one scaled below its replicas is started; a healthy one left alone', () => {
    const cur = release('2', {worker: 3, clock: 1})
    const service = (process: string, scale: number): SeenProcess => ({
      container: `app-k2-${process}`,
      state: scale > 0 ? 'running' : 'exited',
      process,
      release: 'k2',
      replica: 1,
      scale,
    })
    assert.deepEqual(planProcessRepair('app', cur, [], [service('worker', 3), service('clock', 1)], 'service'), [])
    assert.deepEqual(
      planProcessRepair('app', cur, [], [service('clock', 1)], 'service').map((r) => `${r.action} ${r.container}`),
      ['create app-k2-worker'],
    )
    assert.deepEqual(planProcessRepair('app', cur, [], [service('worker', 1), service('clock', 1)], 'service'), [
      {container: 'app-k2-worker', action: 'start', warn: 'Scaling app-k2-worker back to 3 replicas: it ran 1'},
    ])
    assert.deepEqual(
      planProcessRepair('app', cur, [], [service('worker', 0), service('clock', 1)], 'service').map((r) => `${r.action} ${r.container}`),
      ['start app-k2-worker'],
    )
  })

  it('a crash after the switch, before the new worker: the old one keeps working (started again if stopped)', () => {
    const adopted = release('2')
    assert.deepEqual(planProcessRepair('app', adopted, [v1], [seen('1', 'worker', 1)]), [])
    const repairs = planProcessRepair('app', adopted, [v1], [seen('1', 'worker', 1, 'exited')])
    assert.deepEqual(
      repairs.map((r) => `${r.action} ${r.container}`),
      ['start app-k1-worker-1'],
    )
  })

  it('a process the current release dropped stays stopped; an older kept release never stands in', () => {
    const v0 = release('0', {worker: 1})
    assert.deepEqual(planProcessRepair('app', release('2', {}), [v1], [seen('1', 'worker', 1, 'exited')]), [])
    assert.deepEqual(
      planProcessRepair('app', release('2', {}), [v1, v0], [seen('1', 'worker', 1), seen('0', 'worker', 1)]).map(
        (r) => `${r.action} ${r.container}`,
      ),
      ['stop app-k1-worker-1', 'stop app-k0-worker-1'],
    )
  })
})
