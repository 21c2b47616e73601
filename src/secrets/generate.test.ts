import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {generateSecret} from './generate.js'

describe('generateSecret', () => {
  it('returns exactly the requested number of characters from the alphabet', () => {
    for (const length of [16, 17, 63, 64, 256]) {
      assert.match(generateSecret({generate: 'hex', length}), new RegExp(`^[0-9a-f]{${length}}$`))
      assert.match(generateSecret({generate: 'base64url', length}), new RegExp(`^[A-Za-z0-9_-]{${length}}$`))
      assert.match(generateSecret({generate: 'alphanumeric', length}), new RegExp(`^[A-Za-z0-9]{${length}}$`))
    }
  })

  it('differs each time', () => {
    assert.notEqual(generateSecret({generate: 'hex', length: 32}), generateSecret({generate: 'hex', length: 32}))
  })

  it('uses every alphanumeric character with about the same frequency', () => {
    const counts = new Map<string, number>()
    for (const char of generateSecret({generate: 'alphanumeric', length: 62_000})) counts.set(char, (counts.get(char) ?? 0) + 1)
    assert.equal(counts.size, 62)
    // Expected 1000 each; an unbiased generator stays well within ±20%.
    for (const count of counts.values()) assert.ok(count > 800 && count < 1200, `count ${count}`)
  })

  it('rejects a length that is not a positive integer', () => {
    assert.throws(() => generateSecret({generate: 'hex', length: 0}), RangeError)
    assert.throws(() => generateSecret({generate: 'hex', length: 1.5}), RangeError)
  })
})
