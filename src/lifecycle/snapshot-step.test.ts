import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {snapshotTrigger} from './snapshot-step.js'

const hooks = (preSwitch: number) => ({
  hooks: {preSwitch: Array.from({length: preSwitch}, (_, i) => ({name: `m${i}`, run: ['x']})), postSwitch: [], preRollback: []},
})

describe('snapshotTrigger', () => {
  it('saves the data before an update that runs a migration', () => {
    assert.equal(snapshotTrigger({kind: 'update', recipe: hooks(1), replaceAccessories: false, skip: false}), 'pre-update')
  })
  it('and before accessories are replaced', () => {
    assert.equal(snapshotTrigger({kind: 'update', recipe: hooks(0), replaceAccessories: true, skip: false}), 'pre-accessories')
  })
  it('not for an update without hooks, an install (no data yet), or with --no-snapshot', () => {
    assert.equal(snapshotTrigger({kind: 'update', recipe: hooks(0), replaceAccessories: false, skip: false}), undefined)
    assert.equal(snapshotTrigger({kind: 'install', recipe: hooks(2), replaceAccessories: true, skip: false}), undefined)
    assert.equal(snapshotTrigger({kind: 'update', recipe: hooks(2), replaceAccessories: true, skip: true}), undefined)
  })
})
