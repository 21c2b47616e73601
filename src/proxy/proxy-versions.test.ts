import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {DiscodeError} from '../errors.js'
import {assertProxySupports, describeUnsupported, proxyImageVersion, unsupportedProxyOptions} from './proxy-versions.js'

describe('proxy options and kamal-proxy versions', () => {
  it('reads the version from the image tag, and none from latest, a digest or a test tag', () => {
    assert.equal(proxyImageVersion('basecamp/kamal-proxy:v0.9.2'), '0.9.2')
    assert.equal(proxyImageVersion('registry.example.com:5000/kamal-proxy:v0.8'), '0.8.0')
    assert.equal(proxyImageVersion('basecamp/kamal-proxy:latest'), undefined)
    assert.equal(proxyImageVersion('basecamp/kamal-proxy'), undefined)
    assert.equal(proxyImageVersion('basecamp/kamal-proxy@sha256:abc'), undefined)
    assert.equal(proxyImageVersion('discode-test/kamal-proxy:h-edge'), undefined)
  })

  it('refuses a path prefix on v0.8.7 and names the version that has it', () => {
    const found = unsupportedProxyOptions({pathPrefix: '/shop', targetTimeout: '60s'}, 'basecamp/kamal-proxy:v0.8.7')
    assert.deepEqual(found, [{option: 'proxy.pathPrefix', flag: '--path-prefix', since: 'v0.9.0'}])
    assert.match(
      describeUnsupported(found, 'basecamp/kamal-proxy:v0.8.7')[0],
      /proxy.pathPrefix \(--path-prefix\) needs kamal-proxy v0.9.0 or newer/,
    )
  })

  it('body limits need v0.9.2; options older than both documented tags pass anywhere', () => {
    const proxy = {maxRequestBody: '10MB', bufferRequests: true, forwardHeaders: true, hosts: ['a.test', 'b.test']}
    assert.deepEqual(
      unsupportedProxyOptions(proxy, 'basecamp/kamal-proxy:v0.9.0').map((u) => u.option),
      ['proxy.maxRequestBody'],
    )
    assert.deepEqual(unsupportedProxyOptions(proxy, 'basecamp/kamal-proxy:v0.9.2'), [])
    assert.deepEqual(unsupportedProxyOptions({pathPrefix: '/shop'}, 'basecamp/kamal-proxy:latest'), [])
  })
})

describe('assertProxySupports', () => {
  it('throws a clear error with the version to use, and passes a supported set', () => {
    assert.throws(
      () => assertProxySupports({pathPrefix: '/shop', maxRequestBody: 1024}, 'basecamp/kamal-proxy:v0.8.7'),
      (error: DiscodeError) => error.code === 'PROXY_TOO_OLD' && /kamal-proxy:v0\.9\.2/.test(error.hint ?? ''),
    )
    assert.doesNotThrow(() => assertProxySupports({pathPrefix: '/shop', maxRequestBody: 1024}, 'basecamp/kamal-proxy:v0.9.2'))
  })
})
