import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {worldEnv} from './world.js'

describe('worldEnv', () => {
  const env = worldEnv(
    {PATH: '/usr/bin', DISCODE_HOME: '/real/home', DISCODE_NETWORK: 'discode', DISCODE_PROXY_IMAGE: 'my/proxy:1', npm_config_prefix: '/x'},
    {dir: '/tmp/w', network: 'discode-check-ab', proxyContainer: 'discode-check-proxy-ab'},
    {http: 40001, https: 40002},
  )

  it("replaces every setting of the host's discode with the world's, proxy bound to 127.0.0.1", () => {
    assert.equal(env.DISCODE_HOME, '/tmp/w/home')
    assert.equal(env.DISCODE_DATA_DIR, '/tmp/w/data')
    assert.equal(env.DISCODE_NETWORK, 'discode-check-ab')
    assert.equal(env.DISCODE_PROXY_CONTAINER, 'discode-check-proxy-ab')
    assert.equal(env.DISCODE_PROXY_HTTP_PORT, '40001')
    assert.equal(env.DISCODE_PROXY_HTTPS_PORT, '40002')
    assert.equal(env.DISCODE_PROXY_BIND, '127.0.0.1')
    assert.equal(env.npm_config_prefix, undefined)
    assert.equal(env.PATH, '/usr/bin')
  })

  it('keeps DISCODE_PROXY_IMAGE, and only when set', () => {
    assert.equal(env.DISCODE_PROXY_IMAGE, 'my/proxy:1')
    const without = worldEnv({}, {dir: '/tmp/w', network: 'n', proxyContainer: 'p'}, {http: 1, https: 2})
    assert.equal('DISCODE_PROXY_IMAGE' in without, false)
  })
})
