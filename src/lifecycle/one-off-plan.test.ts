import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {runCommand, runLabelValue, runOwnerAlive, taskArgv, wantTty} from './one-off-plan.js'

describe('runCommand', () => {
  const tasks = {console: 'bin/rails console', admin: ['bin/rails', 'admin:create', 'name with spaces']}
  it('a single word that names a task runs the task, more words are appended', () => {
    assert.deepEqual(runCommand(['console'], tasks), {argv: ['bin/rails', 'console'], task: 'console'})
    assert.deepEqual(runCommand(['console', '--sandbox'], tasks).argv, ['bin/rails', 'console', '--sandbox'])
    assert.deepEqual(runCommand(['admin'], tasks).argv, ['bin/rails', 'admin:create', 'name with spaces'])
  })
  it('anything else runs as given; nothing at all is an error naming the tasks', () => {
    assert.deepEqual(runCommand(['sh', '-c', 'echo hi; exit 3'], tasks), {argv: ['sh', '-c', 'echo hi; exit 3']})
    assert.deepEqual(runCommand(['toString'], tasks), {argv: ['toString']}, 'not a task inherited from Object')
    assert.throws(() => runCommand([], tasks), /Nothing to run/)
    assert.throws(
      () => runCommand([], tasks),
      (error: Error & {hint?: string}) => /console, admin/.test(error.hint ?? ''),
    )
  })
  it('a task string splits on runs of spaces', () => {
    assert.deepEqual(taskArgv('  bin/rails   console '), ['bin/rails', 'console'])
  })
})

describe('one-off terminals and processes', () => {
  it('a TTY only when stdin and stdout are both terminals', () => {
    assert.equal(wantTty(true, true), true)
    assert.equal(wantTty(true, false), false)
    assert.equal(wantTty(false, true), false)
    assert.equal(wantTty(undefined, undefined), false)
  })
})

describe('runOwnerAlive', () => {
  const here = {host: 'h1', alive: (pid: number) => pid === 42}
  it('a run whose discode process on this host is gone is stale; a live one or another host is kept', () => {
    assert.equal(runOwnerAlive(runLabelValue('h1', 42), here), true)
    assert.equal(runOwnerAlive(runLabelValue('h1', 43), here), false)
    assert.equal(runOwnerAlive(runLabelValue('h2', 43), here), true)
    assert.equal(runOwnerAlive('garbage', here), false)
    assert.equal(runOwnerAlive('my:host:43', {host: 'my:host', alive: () => false}), false)
  })
})
