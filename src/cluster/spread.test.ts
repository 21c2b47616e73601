import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {unevenSpread} from './spread.js'

describe('unevenSpread', () => {
  it('is even when each ready node has its share', () => {
    assert.equal(unevenSpread({a: 1, b: 1, c: 1}, ['a', 'b', 'c'], 3), false)
    assert.equal(unevenSpread({a: 2, b: 1, c: 1}, ['a', 'b', 'c'], 4), false)
  })

  it('is uneven when a node came back empty while another carries two', () => {
    assert.equal(unevenSpread({a: 2, b: 1}, ['a', 'b', 'c'], 3), true)
  })

  it('ignores nodes that are down and clusters of one node', () => {
    assert.equal(unevenSpread({a: 2, b: 1}, ['a', 'b'], 3), false)
    assert.equal(unevenSpread({a: 3}, ['a'], 3), false)
  })

  it('does not move a single replica around', () => {
    assert.equal(unevenSpread({a: 1}, ['a', 'b', 'c'], 1), false)
  })
})
