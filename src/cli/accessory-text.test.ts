import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {AccessoryStatus} from '../lifecycle/accessories/status.js'
import {accessorySummary, describeAccessories} from './accessory-text.js'

describe('accessory output', () => {
  it('describes what was done, with the downtime of a replacement', () => {
    const lines = describeAccessories([
      {name: 'db', container: 'blog-db', image: 'db:17', action: 'replaced', downtimeMs: 2345},
      {name: 'cache', container: 'blog-cache', image: 'cache:1', action: 'unchanged'},
      {name: 'search', container: 'blog-search', image: 'search:1', action: 'started'},
    ])
    assert.deepEqual(lines, [
      'Replaced the accessory db (blog-db, now db:17): down for 2.3 s',
      'Started the stopped accessory search (blog-search)',
    ])
  })

  it('summarises health for the status table', () => {
    const statuses: AccessoryStatus[] = [
      {name: 'cache', container: 'blog-cache', state: 'running', health: 'running'},
      {name: 'db', container: 'blog-db', state: 'missing', health: 'missing'},
    ]
    assert.equal(accessorySummary(statuses), 'cache running, db missing')
    assert.equal(accessorySummary([]), '-')
  })
})
