import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {hostname, tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'

import {lockProblem} from './doctor-rules.js'
import {clearLock, lockFacts} from './lock-facts.js'

describe('lock facts', () => {
  const home = mkdtempSync(join(tmpdir(), 'discode-lockfacts-'))
  after(() => rmSync(home, {recursive: true, force: true}))

  it('no lock: not locked', () => {
    assert.equal(lockFacts(home, 'shop').locked, false)
  })

  it("a lock whose holder died on this host is stale, and clearLock removes it; a live holder's is not", () => {
    mkdirSync(join(home, 'locks', 'shop.lock'), {recursive: true})
    const dead = spawnSync('true').pid!
    writeFileSync(join(home, 'locks', 'shop.holder.json'), JSON.stringify({pid: dead, host: hostname(), command: 'update', since: 'x'}))
    const facts = lockFacts(home, 'shop')
    assert.deepEqual([facts.locked, facts.holderAlive, facts.holder?.pid], [true, false, dead])
    assert.equal(lockProblem('shop', facts)?.repair, 'clear-lock')

    writeFileSync(
      join(home, 'locks', 'shop.holder.json'),
      JSON.stringify({pid: process.pid, host: hostname(), command: 'update', since: 'x'}),
    )
    assert.equal(lockProblem('shop', lockFacts(home, 'shop')), undefined)

    clearLock(home, 'shop')
    assert.equal(existsSync(join(home, 'locks', 'shop.lock')), false)
    assert.equal(existsSync(join(home, 'locks', 'shop.holder.json')), false)
  })
})
