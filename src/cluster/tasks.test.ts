import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {TaskInfo} from '../docker/swarm.js'
import {crashedReplicas, FAILED_TASKS_LIMIT, judgeJob, judgeReplicas, replicasByNode, tasksStillUp} from './tasks.js'

const task = (state: string, extra: Partial<TaskInfo> = {}): TaskInfo => ({
  id: Math.random().toString(36),
  desiredState: 'running',
  state,
  ...extra,
})

describe('judgeReplicas', () => {
  it('is ready once as many tasks run as wanted', () => {
    assert.equal(judgeReplicas([task('running'), task('running'), task('running')], 3).verdict, 'ready')
  })

  it("waits while tasks are pulled or placed, with Swarm's reason for a pending one", () => {
    const state = judgeReplicas([task('running'), task('preparing'), task('pending', {error: 'no suitable node'})], 3)
    assert.equal(state.verdict, 'waiting')
    assert.equal(state.running, 1)
    assert.equal(state.reason, 'no suitable node')
  })

  it('does not count old tasks being shut down', () => {
    assert.equal(judgeReplicas([task('running', {desiredState: 'shutdown'}), task('starting')], 1).verdict, 'waiting')
  })

  it('judges a release broken when its tasks keep failing, with the newest exit', () => {
    const failures = Array.from({length: FAILED_TASKS_LIMIT}, (_, i) =>
      task('failed', {desiredState: 'shutdown', error: 'task: non-zero exit (3)', exitCode: 3, updatedAt: `2026-01-0${i + 1}`}),
    )
    const state = judgeReplicas([...failures, task('starting')], 2)
    assert.equal(state.verdict, 'failed')
    assert.equal(state.reason, 'task: non-zero exit (3) (exit 3)')
    assert.equal(judgeReplicas(failures.slice(1), 2).verdict, 'waiting')
  })

  it('ignores failures from before the wait began (a kept service scaled up again)', () => {
    const old = Array.from({length: FAILED_TASKS_LIMIT}, () =>
      task('failed', {desiredState: 'shutdown', createdAt: '2026-01-01T00:00:00Z'}),
    )
    assert.equal(
      judgeReplicas([...old, task('starting', {createdAt: '2026-02-01T00:00:01Z'})], 1, new Date('2026-02-01T00:00:00Z')).verdict,
      'waiting',
    )
    assert.equal(judgeReplicas(old, 1).verdict, 'failed')
  })

  it('fails at once when a node rejects a task (e.g. the image cannot be pulled)', () => {
    assert.equal(judgeReplicas([task('rejected', {error: 'No such image'})], 1).verdict, 'failed')
  })
})

describe('judgeJob', () => {
  it('is done when the task completes or fails, with its exit code', () => {
    assert.deepEqual(judgeJob([]), {done: false})
    assert.deepEqual(judgeJob([task('running')]), {done: false})
    assert.deepEqual(judgeJob([task('complete')]), {done: true, exitCode: 0})
    assert.deepEqual(judgeJob([task('failed', {exitCode: 2, error: 'non-zero exit'})]), {done: true, exitCode: 2, reason: 'non-zero exit'})
  })
})

describe('replicasByNode', () => {
  it('counts running replicas per node', () => {
    const tasks = [
      task('running', {nodeId: 'a'}),
      task('running', {nodeId: 'a'}),
      task('running', {nodeId: 'b'}),
      task('failed', {nodeId: 'c'}),
    ]
    assert.deepEqual(replicasByNode(tasks), {a: 2, b: 1})
  })
})

describe('tasksStillUp', () => {
  it('counts tasks until they have ended, whatever they want to be', () => {
    assert.equal(
      tasksStillUp([task('running', {desiredState: 'shutdown'}), task('shutdown', {desiredState: 'shutdown'}), task('failed')]),
      1,
    )
    assert.equal(tasksStillUp([task('complete'), task('shutdown')]), 0)
  })
})

describe('crashedReplicas', () => {
  const since = new Date('2026-01-02T00:00:00Z')
  const crash = task('failed', {desiredState: 'shutdown', error: 'task: non-zero exit (1)', exitCode: 1, createdAt: '2026-01-02T00:00:05Z'})

  it('names the crash when a task failed since the release started and not all replicas run', () => {
    assert.equal(crashedReplicas([crash, task('running'), task('starting')], 2, since), 'task: non-zero exit (1) (exit 1)')
  })

  it('is nothing when every replica runs, or the only failures are older than the release', () => {
    assert.equal(crashedReplicas([crash, task('running'), task('running')], 2, since), undefined)
    const old = {...crash, createdAt: '2026-01-01T00:00:00Z'}
    assert.equal(crashedReplicas([old, task('starting')], 1, since), undefined)
  })
})
