import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {manifestBytes, platformDescriptor} from './image-size.js'

describe('image size', () => {
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
