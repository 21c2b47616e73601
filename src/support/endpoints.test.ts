import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {feedProbeUrl} from './endpoints.js'

describe('vendor endpoints', () => {
  it('a templated feed URL is probed at its server', () => {
    assert.equal(feedProbeUrl('https://r.example.com/feed.json'), 'https://r.example.com/feed.json')
    assert.equal(feedProbeUrl('https://r.example.com/feed.json?license={{inputs.license_key}}'), 'https://r.example.com/')
    assert.equal(feedProbeUrl('http://127.0.0.1:9/{{inputs.channel}}/feed.json'), 'http://127.0.0.1:9/')
    assert.equal(feedProbeUrl('https://{{inputs.host}}/feed.json'), undefined)
  })
})
