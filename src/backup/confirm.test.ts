import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {age, destructionWarning} from './confirm.js'

describe('destructionWarning', () => {
  const now = new Date('2026-12-01T12:00:00Z')

  it('names what is deleted and the age of the newest snapshot', () => {
    assert.equal(
      destructionWarning({
        action: 'uninstall --purge of shop',
        deletes: ['volume shop-data', 'its secrets'],
        newest: {id: 'x', createdAt: '2026-12-01T09:30:00Z'},
        now,
      }),
      'uninstall --purge of shop deletes volume shop-data, its secrets; the newest snapshot is x, taken 2 hours ago.',
    )
  })

  it('says when there is no snapshot', () => {
    assert.match(destructionWarning({action: 'restore', deletes: ['the data of shop'], now}), /there is no snapshot of it\.$/)
  })

  it('rounds ages down to the largest unit', () => {
    assert.equal(age(59_000), '59 seconds')
    assert.equal(age(61_000), '1 minute')
    assert.equal(age(3 * 86_400_000 + 5), '3 days')
  })
})
