import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {appUrl} from './app-url.js'

describe('appUrl', () => {
  it('leaves out port 80 and names any other port', () => {
    assert.equal(appUrl('shop.example.com', 80), 'http://shop.example.com')
    assert.equal(appUrl('shop.localhost', 8080), 'http://shop.localhost:8080')
  })
})
