import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {removedReleasesNote} from './apply-snapshot.js'
import {destructionWarning} from './confirm.js'

describe('restore says what it removes', () => {
  it('names the stopped releases kept for rollback that the restore removed, and how rollback still works', () => {
    assert.equal(removedReleasesNote([]), undefined)
    const note = removedReleasesNote(['shop-0123456789ab (1.0.0)']) ?? ''
    assert.match(note, /^Removed the stopped container kept for a quick rollback \(shop-0123456789ab \(1\.0\.0\)\)/)
    assert.match(note, /"discode rollback" still works, recreating the release from its image$/)
    assert.match(removedReleasesNote(['a (1.0.0)', 'b (0.9.0)']) ?? '', /^Removed the stopped containers /)
  })

  it('the confirmation before a restore lists them among what goes', () => {
    const warning = destructionWarning({
      action: 'restore of s1',
      deletes: ['the current data of shop', 'the stopped containers of earlier releases kept for a quick rollback'],
    })
    assert.match(warning, /deletes the current data of shop, the stopped containers of earlier releases kept for a quick rollback;/)
  })
})
