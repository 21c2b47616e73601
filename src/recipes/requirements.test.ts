import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {formatSize, parseSize, RequirementsSchema} from './requirements.js'

describe('recipe requirements', () => {
  it('parses sizes the way Docker writes them (1024-based)', () => {
    assert.equal(parseSize('2GB'), 2 * 1024 ** 3)
    assert.equal(parseSize('2g'), 2 * 1024 ** 3)
    assert.equal(parseSize('1.5GiB'), 1.5 * 1024 ** 3)
    assert.equal(parseSize('512MB'), 512 * 1024 ** 2)
    assert.equal(parseSize('100TB'), 100 * 1024 ** 4)
    assert.equal(parseSize('1024'), 1024)
    assert.equal(parseSize('two GB'), undefined)
    assert.equal(parseSize('0GB'), undefined)
    assert.equal(parseSize('2PB'), undefined)
  })

  it('formats sizes for people', () => {
    assert.equal(formatSize(2 * 1024 ** 3), '2 GB')
    assert.equal(formatSize(1.5 * 1024 ** 2), '1.5 MB')
    assert.equal(formatSize(12), '12 B')
  })

  it('accepts the contract example and refuses bad values with a reason', () => {
    assert.ok(RequirementsSchema.safeParse({memory: '2GB', disk: '10GB', cpus: 2, docker: '>=20.10'}).success)
    const bad = RequirementsSchema.safeParse({memory: 'lots', docker: 'new', cpus: 0, arch: ['vax'], gpu: true})
    assert.equal(bad.success, false)
    const messages = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')
    assert.match(messages, /memory: "lots" is not a size/)
    assert.match(messages, /docker: "new" is not a version range/)
    assert.match(messages, /cpus/)
    assert.match(messages, /arch/)
    assert.match(messages, /gpu|Unrecognized/)
  })
})
