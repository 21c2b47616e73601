import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {manifestBytes, platformDescriptor, splitReference} from './image-size.js'

describe('image size', () => {
  it('splits references', () => {
    assert.deepEqual(splitReference('127.0.0.1:5000/acme/demo:1.0.0'), {
      registry: '127.0.0.1:5000',
      repository: 'acme/demo',
      reference: '1.0.0',
    })
    assert.deepEqual(splitReference(`reg.example.com/demo@sha256:${'a'.repeat(64)}`), {
      registry: 'reg.example.com',
      repository: 'demo',
      reference: `sha256:${'a'.repeat(64)}`,
    })
    assert.deepEqual(splitReference('nginx'), {registry: 'docker.io', repository: 'library/nginx', reference: 'latest'})
    assert.deepEqual(splitReference('localhost:5000/demo'), {registry: 'localhost:5000', repository: 'demo', reference: 'latest'})
  })
  it('sums config and layers; unknown when there are no layers', () => {
    assert.equal(
      manifestBytes({
        config: {digest: 'c', size: 100},
        layers: [
          {digest: 'a', size: 1000},
          {digest: 'b', size: 24},
        ],
      }),
      1124,
    )
    assert.equal(manifestBytes({manifests: []}), null)
  })
  it("picks this host's platform from an index", () => {
    const index = {
      manifests: [
        {digest: 'arm', size: 1, platform: {os: 'linux', architecture: 'arm64'}},
        {digest: 'amd', size: 1, platform: {os: 'linux', architecture: 'amd64'}},
      ],
    }
    assert.equal(platformDescriptor(index, 'amd64')?.digest, 'amd')
    assert.equal(platformDescriptor(index, 's390x'), undefined)
    assert.equal(platformDescriptor({layers: []}), undefined)
  })
})
