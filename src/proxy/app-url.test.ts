import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {appUrl, hookUrl} from './app-url.js'

describe('appUrl', () => {
  it('leaves out port 80 and names any other port', () => {
    assert.equal(appUrl('shop.example.com', 80), 'http://shop.example.com')
    assert.equal(appUrl('shop.localhost', 8080), 'http://shop.localhost:8080')
  })
})

describe('hookUrl', () => {
  const ports = {proxyHttpPort: 80, proxyHttpsPort: 443}

  it('hookUrl: http on the proxy HTTP port, the first host, the path prefix', () => {
    assert.deepEqual(hookUrl({tls: 'off', pathPrefix: '/shop'}, ['a.test', 'b.test'], {...ports, proxyHttpPort: 8080}), {
      href: 'http://a.test:8080/shop',
      scheme: 'http',
      host: 'a.test',
      port: 8080,
      path: '/shop',
    })
  })

  it('hookUrl: https with TLS (auto or custom), the default port left out of href', () => {
    assert.equal(hookUrl({tls: 'auto'}, ['a.test'], ports)?.href, 'https://a.test/')
    assert.equal(hookUrl({tls: 'custom'}, ['a.test'], {...ports, proxyHttpsPort: 8443})?.port, 8443)
  })

  it('hookUrl: none for a catch-all route', () => {
    assert.equal(hookUrl({tls: 'off'}, [], ports), undefined)
  })
})
