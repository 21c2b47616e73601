import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {achieved, firstLine, switchArgs} from './switches.js'
import type {BenchConfig} from './types.js'

describe('switches under load', () => {
  it('alternates updates (to 1.1.0, then 1.2.0, then 1.1.0 again) and rollbacks that keep the data', () => {
    const commands = [1, 2, 3, 4, 5].map((n) => switchArgs(n, 'app', ['--no-snapshot']).join(' '))
    assert.deepEqual(commands, [
      'update app --to 1.1.0 --no-snapshot',
      'rollback app --keep-data',
      'update app --to 1.2.0 --no-snapshot',
      'rollback app --keep-data',
      'update app --to 1.1.0 --no-snapshot',
    ])
    assert.deepEqual(switchArgs(1, 'app'), ['update', 'app', '--to', '1.1.0'])
  })

  it("a failed command's line is its Error: line, else its last line", () => {
    assert.equal(firstLine('progress\nError: 1.2.0 was not deployed\nHint: x\n'), 'Error: 1.2.0 was not deployed')
    assert.equal(firstLine('one\ntwo\n'), 'two')
  })

  it('the achieved rate is requests over the time they were sent in; well under the asked rate is a finding', () => {
    const config = {rate: 200, connections: 32} as BenchConfig
    const findings: string[] = []
    const records = Array.from({length: 101}, (_, i) => ({start: 1000 + i * 10, end: 1000 + i * 10 + 5, status: 200, host: 0}))
    assert.equal(achieved(records, 1000, 'x', {config, findings}), 101)
    assert.equal(findings.length, 1)
    assert.match(findings[0], /^x: the load reached 101 req\/s of the 200 asked/)
  })
})
