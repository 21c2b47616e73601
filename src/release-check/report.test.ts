import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {judge, type OperationRun} from './report.js'

const run = (operation: OperationRun['operation'], timings: Record<string, number>, error?: string): OperationRun => ({
  operation,
  ok: error === undefined,
  ms: 1000,
  timings,
  error,
})
const quiet = {requests: 120, failed: 0, failures: {}, longestMs: 40}
const base = {recipe: 'shop', from: '1.0.0', to: '1.1.0', strategy: 'bluegreen' as const}

describe('judge', () => {
  it('passes a clean run and reports hook and stop times', () => {
    const report = judge({
      ...base,
      requests: quiet,
      operations: [run('install', {hooks: 30}), run('update', {hooks: 250, retire: 400}), run('rollback', {retire: 300})],
    })
    assert.equal(report.ok, true)
    assert.deepEqual(report.problems, [])
    assert.deepEqual(report.hooksMs, {install: 30, update: 250})
    assert.deepEqual(report.stopMs, {update: 400, rollback: 300})
    assert.deepEqual(report.advice, [])
    assert.equal(report.holdMs, undefined)
  })

  it("reports the customers' plain rollback: it works, or it asks for a data choice (advice, not a failure)", () => {
    const operations = [run('install', {}), run('update', {}), run('rollback', {})]
    assert.equal(judge({...base, requests: quiet, operations}).plainRollback, 'ok')
    const choice = 'Rolling back to 1.0.0 would run it on data that 1.1.0 migrated'
    const refused = judge({
      ...base,
      requests: quiet,
      operations: [
        ...operations.slice(0, 2),
        {...run('rollback', {}, choice), needsDataChoice: true},
        {...run('rollback', {retire: 200}), flags: ['--keep-data']},
      ],
    })
    assert.equal(refused.ok, true)
    assert.deepEqual(refused.problems, [])
    assert.equal(refused.plainRollback, 'needs-data-choice')
    assert.deepEqual(refused.stopMs, {rollback: 200})
    assert.match(refused.advice[0], /refused \(Rolling back to 1\.0\.0 would run it/)
    assert.match(refused.advice[0], /--restore-data or --keep-data.*"rollbackTo": ">=1\.0\.0" in 1\.1\.0's feed entry.*expand-only/)
    assert.equal(judge({...base, requests: quiet, operations: operations.slice(0, 2)}).plainRollback, 'not-run')
    const failed = judge({...base, requests: quiet, operations: [...operations.slice(0, 2), run('rollback', {}, 'boom')]})
    assert.equal(failed.plainRollback, 'not-run')
    assert.deepEqual(failed.problems, ['rollback failed: boom'])
  })

  it("fails when a process runs fewer replicas than declared, or another release's code, after an operation", () => {
    const worker = (running: number, versions: string[]) => [{name: 'worker', wanted: 2, running, versions}]
    const operations: OperationRun[] = [
      {...run('install', {}), processes: worker(2, ['1.0.0', '1.0.0'])},
      {...run('update', {}), processes: worker(1, ['1.1.0'])},
      {...run('rollback', {}), flags: ['--keep-data'], processes: worker(2, ['1.0.0', '1.0.0', '1.1.0'])},
    ]
    const report = judge({...base, requests: quiet, operations})
    assert.equal(report.ok, false)
    assert.deepEqual(report.problems, [
      'after update, process worker runs 1 of 2 replica(s)',
      'after rollback --keep-data, process worker still runs 1.1.0 beside 1.0.0',
    ])
    assert.equal(judge({...base, requests: quiet, operations: operations.slice(0, 1)}).ok, true)
  })

  it('fails on a failed operation and on failed requests, naming both', () => {
    const report = judge({
      ...base,
      requests: {requests: 50, failed: 3, failures: {'HTTP 502': 3}, longestMs: 10},
      operations: [run('install', {}), run('update', {}, '1.1.0 was not deployed: not healthy')],
    })
    assert.equal(report.ok, false)
    assert.deepEqual(report.problems, ['update failed: 1.1.0 was not deployed: not healthy', '3 of 50 requests failed (3× HTTP 502)'])
  })

  it('advises on SIGTERM when a stop took about the whole timeout, and sums the hold of a pause', () => {
    const report = judge({
      ...base,
      strategy: 'pause',
      requests: quiet,
      operations: [
        run('install', {}),
        run('update', {pause: 5, stop: 10_020, start: 300, switch: 200, resume: 5}),
        run('rollback', {stop: 150}),
      ],
    })
    assert.equal(report.ok, true)
    assert.equal(report.holdMs, 10_525)
    assert.match(report.advice[0], /ignores SIGTERM/)
  })

  it('fails when no request reached an installed app, and on cleanup problems', () => {
    const report = judge({
      ...base,
      requests: {requests: 0, failed: 0, failures: {}, longestMs: 0},
      operations: [run('install', {})],
      cleanupProblems: ['network x: in use'],
    })
    assert.deepEqual(report.problems, ['no request reached the app through the proxy', 'cleanup: network x: in use'])
  })
})
