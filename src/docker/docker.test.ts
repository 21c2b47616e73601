import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {demuxBuffer, registryOf, splitReference} from './docker.js'

describe('image references', () => {
  it('splits a pull into fromImage and tag as dockerode does: digest, tag, registry port, none', () => {
    assert.deepEqual(splitReference('127.0.0.1:5000/acme/app:1.2.0'), {repository: '127.0.0.1:5000/acme/app', tag: '1.2.0'})
    assert.deepEqual(splitReference('127.0.0.1:5000/acme/app'), {repository: '127.0.0.1:5000/acme/app', tag: 'latest'})
    assert.deepEqual(splitReference('acme/app@sha256:0123abcd'), {repository: 'acme/app', tag: 'sha256:0123abcd'})
    assert.deepEqual(splitReference('registry.example.com:443/app:1.0@sha256:0123abcd'), {
      repository: 'registry.example.com:443/app:1.0',
      tag: 'sha256:0123abcd',
    })
    assert.deepEqual(splitReference('postgres'), {repository: 'postgres', tag: 'latest'})
  })

  it('names the registry an image comes from (Docker Hub when the first part is no host)', () => {
    assert.equal(registryOf('127.0.0.1:5000/acme/app:1.0.0'), '127.0.0.1:5000')
    assert.equal(registryOf('ghcr.io/acme/app'), 'ghcr.io')
    assert.equal(registryOf('localhost/app'), 'localhost')
    assert.equal(registryOf('acme/app:1.0.0'), 'docker.io')
    assert.equal(registryOf('postgres:16'), 'docker.io')
  })
})

describe('demuxBuffer', () => {
  it("joins the payloads of Docker's multiplexed frames (stdout and stderr alike)", () => {
    const frame = (stream: number, text: string) => {
      const payload = Buffer.from(text)
      const header = Buffer.alloc(8)
      header[0] = stream
      header.writeUInt32BE(payload.length, 4)
      return Buffer.concat([header, payload])
    }
    assert.equal(demuxBuffer(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n'), frame(1, 'more')])), 'out\nerr\nmore')
    assert.equal(demuxBuffer(Buffer.alloc(0)), '')
  })
})
