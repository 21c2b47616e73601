import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {declaredCompatible, declaredRollbackTo, laterRollback, runsOnMigratedData} from './data-compat.js'

describe('declared data compatibility', () => {
  it("the recipe's expand-only covers every older release; else the feed entry's range", () => {
    assert.equal(declaredRollbackTo({rollbackTo: '>=1.1.0'}, {migrations: 'expand-only'}), '*')
    assert.equal(declaredRollbackTo({rollbackTo: '>=1.1.0'}, {}), '>=1.1.0')
    assert.equal(declaredRollbackTo({}, {}), undefined)
  })

  it('a target in the declared range runs on the data; outside it or undeclared it does not', () => {
    assert.equal(declaredCompatible('1.0.0', '>=1.0.0'), true)
    assert.equal(declaredCompatible('0.9.0', '>=1.0.0'), false)
    assert.equal(declaredCompatible('1.0.0', undefined), false)
    assert.equal(declaredCompatible('1.0.0-rc.1', '*'), true, 'expand-only covers pre-releases too')
  })

  it("the newest crossed migration's declaration decides: its data holds the earlier ones", () => {
    assert.equal(runsOnMigratedData('1.0.0', [{}, {rollbackTo: '>=1.0.0 <2'}], {}), true)
    assert.equal(runsOnMigratedData('1.0.0', [{rollbackTo: '>=1.0.0'}, {rollbackTo: '>=1.1.0'}], {}), false)
    assert.equal(runsOnMigratedData('1.0.0', [{rollbackTo: '>=1.0.0'}, {}], {}), false)
    assert.equal(runsOnMigratedData('1.0.0', [], {}), false)
    assert.equal(runsOnMigratedData('1.0.0', [{}], {migrations: 'expand-only'}), true, "today's recipe covers older snapshots")
  })
})

describe('laterRollback (update --check)', () => {
  const hooks = (pre: number, back = 0) => ({preSwitch: Array(pre).fill({}), preRollback: Array(back).fill({})})
  it('no migration, declared, reverse migrations, or the data choice', () => {
    assert.equal(laterRollback('1.0.0', {}, {hooks: hooks(0)}), 'no-migration')
    assert.equal(laterRollback('1.0.0', {rollbackTo: '>=1.0.0'}, {hooks: hooks(1)}), 'declared-compatible')
    assert.equal(laterRollback('1.0.0', {}, {migrations: 'expand-only', hooks: hooks(1)}), 'declared-compatible')
    assert.equal(laterRollback('1.0.0', {rollbackTo: '>=1.1.0'}, {hooks: hooks(1, 1)}), 'reverse-migrations')
    assert.equal(laterRollback('1.0.0', {rollbackTo: '>=1.1.0'}, {hooks: hooks(1)}), 'needs-data-choice')
  })
})
