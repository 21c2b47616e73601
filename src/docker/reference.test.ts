import assert from 'node:assert/strict'
import {createRequire} from 'node:module'
import {describe, it} from 'node:test'

import {credentialsFor, registryHost, registryOf, registryParts, registryUrl, repositoryOf, splitReference} from './reference.js'

const REFERENCES = [
  '127.0.0.1:5000/acme/app:1.2.0',
  '127.0.0.1:5000/acme/app',
  'acme/app@sha256:0123abcd',
  'registry.example.com:443/app:1.0@sha256:0123abcd',
  'postgres',
]

describe('image references', () => {
  it('splits a pull into fromImage and tag: digest, tag, registry port, none', () => {
    assert.deepEqual(splitReference('127.0.0.1:5000/acme/app:1.2.0'), {repository: '127.0.0.1:5000/acme/app', tag: '1.2.0'})
    assert.deepEqual(splitReference('127.0.0.1:5000/acme/app'), {repository: '127.0.0.1:5000/acme/app', tag: 'latest'})
    assert.deepEqual(splitReference('acme/app@sha256:0123abcd'), {repository: 'acme/app', tag: 'sha256:0123abcd'})
    assert.deepEqual(splitReference('registry.example.com:443/app:1.0@sha256:0123abcd'), {
      repository: 'registry.example.com:443/app:1.0',
      tag: 'sha256:0123abcd',
    })
    assert.deepEqual(splitReference('postgres'), {repository: 'postgres', tag: 'latest'})
  })

  it('splits exactly as dockerode does when it pulls (its parseRepositoryTag, tag defaulting to latest)', () => {
    const require = createRequire(import.meta.url)
    const util = require('dockerode/lib/util.js') as {parseRepositoryTag(ref: string): {repository: string; tag?: string}}
    for (const ref of REFERENCES) {
      const theirs = util.parseRepositoryTag(ref)
      assert.deepEqual(splitReference(ref), {repository: theirs.repository, tag: theirs.tag ?? 'latest'}, ref)
    }
  })

  it('names the registry an image comes from (Docker Hub when the first part is no host)', () => {
    assert.equal(registryOf('127.0.0.1:5000/acme/app:1.0.0'), '127.0.0.1:5000')
    assert.equal(registryOf('ghcr.io/acme/app'), 'ghcr.io')
    assert.equal(registryOf('localhost/app'), 'localhost')
    assert.equal(registryOf('acme/app:1.0.0'), 'docker.io')
    assert.equal(registryOf('postgres:16'), 'docker.io')
  })
})

describe('normalized repositories', () => {
  it('drops tag and digest and fills in what Docker assumes', () => {
    assert.equal(repositoryOf('postgres:16'), 'docker.io/library/postgres')
    assert.equal(repositoryOf('docker.io/library/postgres'), 'docker.io/library/postgres')
    assert.equal(repositoryOf('index.docker.io/acme/app@sha256:0123abcd'), 'docker.io/acme/app')
    assert.equal(repositoryOf('127.0.0.1:5000/acme/app:1.2.0'), '127.0.0.1:5000/acme/app')
    assert.equal(repositoryOf('Registry.Example.com:443/app:1.0@sha256:0123abcd'), 'registry.example.com:443/app')
  })

  it('tells one registry from another, whatever the spelling', () => {
    assert.equal(registryHost('REGISTRY.example.com/a'), 'registry.example.com')
    assert.equal(registryHost('registry-1.docker.io/a/b'), 'docker.io')
    assert.notEqual(registryHost('127.0.0.1:5001/acme/app'), registryHost('127.0.0.1:5000/acme/app'))
  })
})

describe('credentialsFor', () => {
  const credentials = {username: 'customer', password: 'pw'}
  it("sends the credentials to the recipe's registry only", () => {
    assert.deepEqual(credentialsFor('127.0.0.1:5000/acme/app:1.1.0', '127.0.0.1:5000/acme/app', credentials), {
      ...credentials,
      serveraddress: '127.0.0.1:5000',
    })
    assert.equal(credentialsFor('127.0.0.1:5001/acme/app:1.1.0', '127.0.0.1:5000/acme/app', credentials), undefined)
    assert.equal(credentialsFor('postgres:16', 'registry.example.com/acme/app', credentials), undefined)
    assert.equal(credentialsFor('127.0.0.1:5000/acme/app', '127.0.0.1:5000/acme/app', undefined), undefined)
  })

  it('splits references as the Registry API names them', () => {
    assert.deepEqual(registryParts('127.0.0.1:5000/acme/demo:1.0.0'), {
      registry: '127.0.0.1:5000',
      repository: 'acme/demo',
      reference: '1.0.0',
    })
    assert.deepEqual(registryParts(`reg.example.com/demo@sha256:${'a'.repeat(64)}`), {
      registry: 'reg.example.com',
      repository: 'demo',
      reference: `sha256:${'a'.repeat(64)}`,
    })
    assert.deepEqual(registryParts('nginx'), {registry: 'docker.io', repository: 'library/nginx', reference: 'latest'})
    assert.deepEqual(registryParts('localhost:5000/demo'), {registry: 'localhost:5000', repository: 'demo', reference: 'latest'})
  })
  it("registry API roots, by Docker's rules", () => {
    assert.equal(registryUrl('127.0.0.1:5000/acme/app'), 'http://127.0.0.1:5000/v2/')
    assert.equal(registryUrl('localhost:5000/app:1'), 'http://localhost:5000/v2/')
    assert.equal(registryUrl('registry.example.com/acme/app'), 'https://registry.example.com/v2/')
    assert.equal(registryUrl('ghcr.io/acme/app@sha256:abc'), 'https://ghcr.io/v2/')
    assert.equal(registryUrl('busybox'), 'https://registry-1.docker.io/v2/')
    assert.equal(registryUrl('{{inputs.registry}}/app'), undefined)
  })
})
