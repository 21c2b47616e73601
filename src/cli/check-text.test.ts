import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {CheckReport, OperationRun} from '../release-check/report.js'
import {operationLine} from './check-text.js'

const report = {strategy: 'bluegreen'} as CheckReport
const run = (extra: Partial<OperationRun>): OperationRun => ({operation: 'rollback', ok: true, ms: 900, timings: {}, ...extra})

describe('operationLine', () => {
  it('says what customers see of a plain rollback: ok, or the data choice they are asked for', () => {
    assert.equal(operationLine(report, run({timings: {retire: 120}})), 'rollback: ok in 900 ms, old release stopped in 120 ms')
    assert.equal(
      operationLine(report, run({ok: false, needsDataChoice: true})),
      'rollback: needs a data choice (customers must choose --restore-data or --keep-data)',
    )
    assert.equal(operationLine(report, run({flags: ['--keep-data']})), 'rollback --keep-data: ok in 900 ms')
  })

  it("shows each process's replicas running and the versions they run", () => {
    const processes = [
      {name: 'clock', wanted: 1, running: 0, versions: []},
      {name: 'worker', wanted: 2, running: 2, versions: ['1.1.0', '1.1.0']},
    ]
    assert.equal(
      operationLine(report, run({operation: 'update', timings: {hooks: 40}, processes})),
      'update: ok in 900 ms, hooks 40 ms; clock 0/1 running (-), worker 2/2 running (1.1.0)',
    )
    assert.match(operationLine(report, run({ok: false})), /^rollback: FAILED in 900 ms$/)
  })
})
