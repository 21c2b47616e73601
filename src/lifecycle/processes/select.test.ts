import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {SeenProcess} from './plan.js'
import {processContainers} from './select.js'

const current = {key: 'k2', container: 'app-k2', processes: {worker: 2, clock: 1}}
const seen = (container: string, release: string, process: string, replica: number, state = 'running'): SeenProcess => ({
  container,
  release,
  process,
  replica,
  state,
})
const containers = [
  seen('app-k2-worker-2', 'k2', 'worker', 2),
  seen('app-k2-worker-1', 'k2', 'worker', 1, 'exited'),
  seen('app-k1-worker-1', 'k1', 'worker', 1),
]

describe('processContainers (--process)', () => {
  it('no name or web: the serving web container', () => {
    assert.deepEqual(processContainers('app', current, containers, undefined), ['app-k2'])
    assert.deepEqual(processContainers('app', current, containers, 'web'), ['app-k2'])
  })

  it("a process: the serving release's replicas in order (only running ones for exec)", () => {
    assert.deepEqual(processContainers('app', current, containers, 'worker'), ['app-k2-worker-1', 'app-k2-worker-2'])
    assert.deepEqual(processContainers('app', current, containers, 'worker', {running: true}), ['app-k2-worker-2'])
  })

  it('an unknown process names the known ones; a declared one with nothing running says so', () => {
    assert.throws(
      () => processContainers('app', current, containers, 'mailer'),
      (error: Error & {code?: string; hint?: string}) => {
        assert.equal(error.code, 'UNKNOWN_PROCESS')
        assert.equal(error.hint, 'Processes: web, clock, worker (leave out --process for the web)')
        return true
      },
    )
    assert.throws(() => processContainers('app', current, containers, 'clock', {running: true}), {code: 'PROCESS_NOT_RUNNING'})
  })
})
