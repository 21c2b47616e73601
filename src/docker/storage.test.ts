import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {parsePathStat} from './storage.js'

describe('parsePathStat', () => {
  it("reads size and mtime from Docker's base64 JSON path-stat header", () => {
    const header = Buffer.from(
      JSON.stringify({name: 'up', size: 42, mode: 420, mtime: '2026-12-01T20:00:00.123456789Z', linkTarget: ''}),
    ).toString('base64')
    assert.deepEqual(parsePathStat(header), {size: 42, mtime: '2026-12-01T20:00:00.123456789Z'})
  })

  it('is undefined without the header', () => {
    assert.equal(parsePathStat(undefined), undefined)
  })
})
