import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {needsDataChoice, processChecks} from './run-discode.js'

describe('what the check reads from the runs of its discode', () => {
  it("takes the app's processes from status --json: wanted, running, the versions that run", () => {
    const status = {
      apps: [
        {app: 'other', processes: [{name: 'x', wanted: 1, running: 1, containers: []}]},
        {
          app: 'check-1',
          processes: [
            {
              name: 'worker',
              wanted: 2,
              running: 1,
              containers: [
                {name: 'a', state: 'running', version: '1.1.0', replica: 1},
                {name: 'b', state: 'exited', version: '1.1.0', replica: 2},
                {name: 'c', state: 'running', version: '1.0.0', replica: 1},
              ],
            },
          ],
        },
      ],
    }
    assert.deepEqual(processChecks(status, 'check-1'), [{name: 'worker', wanted: 2, running: 1, versions: ['1.1.0', '1.0.0']}])
    assert.deepEqual(processChecks({apps: [{app: 'check-1'}]}, 'check-1'), [])
    assert.deepEqual(processChecks(undefined, 'check-1'), [])
  })

  it('knows a rollback refused for a data choice by its error code only', () => {
    const refused = {code: 1, stderr: '', ms: 1, json: {error: {code: 'ROLLBACK_NEEDS_DATA_CHOICE', message: 'm'}}}
    assert.equal(needsDataChoice(refused), true)
    assert.equal(needsDataChoice({...refused, json: {error: {code: 'OTHER'}}}), false)
    assert.equal(needsDataChoice({...refused, code: 0}), false)
  })
})
