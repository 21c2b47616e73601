import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {feedProbeUrl, registryUrl} from './endpoints.js'

describe('vendor endpoints', () => {
  it("registry API roots, by Docker's rules", () => {
    assert.equal(registryUrl('127.0.0.1:5000/acme/app'), 'http://127.0.0.1:5000/v2/')
    assert.equal(registryUrl('localhost:5000/app:1'), 'http://localhost:5000/v2/')
    assert.equal(registryUrl('registry.example.com/acme/app'), 'https://registry.example.com/v2/')
    assert.equal(registryUrl('ghcr.io/acme/app@sha256:abc'), 'https://ghcr.io/v2/')
    assert.equal(registryUrl('busybox'), 'https://registry-1.docker.io/v2/')
    assert.equal(registryUrl('{{inputs.registry}}/app'), undefined)
  })

  it('a templated feed URL is probed at its server', () => {
    assert.equal(feedProbeUrl('https://r.example.com/feed.json'), 'https://r.example.com/feed.json')
    assert.equal(feedProbeUrl('https://r.example.com/feed.json?license={{inputs.license_key}}'), 'https://r.example.com/')
    assert.equal(feedProbeUrl('http://127.0.0.1:9/{{inputs.channel}}/feed.json'), 'http://127.0.0.1:9/')
    assert.equal(feedProbeUrl('https://{{inputs.host}}/feed.json'), undefined)
  })
})
