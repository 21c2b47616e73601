import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {processProblems, processStatuses, processSummary} from './status.js'

const container = (name: string, state: string, key: string, process: string, replica: number, version = key) => ({
  Names: [`/${name}`],
  State: state,
  Labels: {
    'discode.app': 'app',
    'discode.release': key,
    'discode.version': version,
    'discode.process': process,
    'discode.replica': String(replica),
  },
})

describe('processStatuses', () => {
  it('counts the serving release’s replicas against what it declares, and shows a stand-in of another release', () => {
    const statuses = processStatuses({key: 'k2', processes: {worker: 2, clock: 1}}, [
      container('app-k2-worker-1', 'running', 'k2', 'worker', 1),
      container('app-k2-worker-2', 'exited', 'k2', 'worker', 2),
      container('app-k1-clock-1', 'running', 'k1', 'clock', 1),
      container('app-k1-worker-1', 'exited', 'k1', 'worker', 1),
      {Names: ['/app-k2'], State: 'running', Labels: {'discode.app': 'app', 'discode.release': 'k2'}},
    ])
    assert.deepEqual(
      statuses.map((s) => [s.name, s.wanted, s.running, s.containers.map((c) => `${c.name} ${c.state}`)]),
      [
        ['clock', 1, 0, ['app-k1-clock-1 running']],
        ['worker', 2, 1, ['app-k2-worker-1 running', 'app-k2-worker-2 exited']],
      ],
    )
    assert.equal(processSummary(statuses), 'clock 0/1, worker 1/2')
    assert.equal(processProblems('app', statuses).length, 2)
    assert.match(processProblems('app', statuses)[1], /process worker runs 1 of 2 replica\(s\)/)
  })

  it('nothing declared and nothing seen: no processes', () => {
    assert.deepEqual(processStatuses({key: 'k1'}, []), [])
    assert.equal(processSummary([]), '-')
  })
})
