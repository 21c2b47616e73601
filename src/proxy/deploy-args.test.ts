import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {proxyCertificatePaths} from './certificates.js'
import {deployCommand} from './commands.js'
import {deployArgs, DRAIN_TIMEOUT, recipeHosts, routeOptions} from './deploy-args.js'

const recipe = {
  proxy: {host: 'a.example.com, b.example.com,', tls: 'auto' as const},
  health: {path: '/up', interval: '1s', timeout: '5s', deployTimeout: '30s'},
}

describe('deployArgs', () => {
  it("builds the proxy deploy from the recipe's health check and hosts", () => {
    const args = deployArgs('shop', recipe, 'shop-abc:80')
    assert.deepEqual(args.hosts, ['a.example.com', 'b.example.com'])
    assert.equal(args.drainTimeout, DRAIN_TIMEOUT)
    assert.deepEqual(deployCommand(args), [
      'kamal-proxy',
      'deploy',
      'shop',
      '--target=shop-abc:80',
      '--host=a.example.com',
      '--host=b.example.com',
      '--health-check-path=/up',
      '--health-check-interval=1s',
      '--health-check-timeout=5s',
      '--deploy-timeout=30s',
      `--drain-timeout=${DRAIN_TIMEOUT}`,
      '--tls',
    ])
  })

  it("keeps a route's own hosts and TLS when one is given (putting an old target back as it was)", () => {
    const args = deployArgs('shop', recipe, 'shop-old:80', {hosts: ['old.example.com'], tls: false})
    assert.deepEqual(args.hosts, ['old.example.com'])
    assert.equal(args.tls, false)
  })

  it('no host is a catch-all route', () => {
    assert.deepEqual(recipeHosts({proxy: {tls: 'off'}} as never), [])
  })

  it('takes proxy.hosts as well as a comma-separated proxy.host', () => {
    assert.deepEqual(recipeHosts({proxy: {tls: 'off', hosts: ['shop.test', 'www.shop.test']}} as never), ['shop.test', 'www.shop.test'])
  })
})

describe('routing options', () => {
  const withProxy = (proxy: object) => deployArgs('shop', {...recipe, proxy: {tls: 'off', ...proxy}} as never, 'shop-abc:80')
  const BASE = /^--(target|host|health-check-\w+|deploy-timeout|drain-timeout|tls)=/
  const optionFlags = (proxy: object) =>
    deployCommand(withProxy(proxy))
      .slice(3)
      .filter((flag) => !BASE.test(flag))

  it('sends nothing beyond the v0.8/v0.9 flags when the recipe sets no option', () => {
    assert.deepEqual(optionFlags({}), [])
  })

  it('maps each option to the kamal-proxy flag of the same meaning', () => {
    const proxy = {
      hosts: ['shop.test', 'www.shop.test'],
      pathPrefix: '/shop',
      stripPathPrefix: false,
      targetTimeout: '2m',
      bufferResponses: true,
      forwardHeaders: true,
    }
    const argv = deployCommand(withProxy(proxy))
    assert.deepEqual(
      argv.filter((a) => a.startsWith('--host=')),
      ['--host=shop.test', '--host=www.shop.test'],
    )
    assert.deepEqual(optionFlags(proxy), [
      '--path-prefix=/shop',
      '--strip-path-prefix=false',
      '--target-timeout=2m',
      '--buffer-responses=true',
      '--forward-headers=true',
    ])
  })

  it('a body limit turns buffering of its side on (the proxy refuses a limit without it) and is sent in bytes', () => {
    assert.deepEqual(optionFlags({maxRequestBody: '10MB', maxResponseBody: 4096}), [
      '--buffer-requests=true',
      `--max-request-body=${10 * 1024 * 1024}`,
      '--buffer-responses=true',
      '--max-response-body=4096',
    ])
  })

  it('strip-path-prefix goes only with a path prefix', () => {
    assert.equal(routeOptions({tls: 'off', stripPathPrefix: false} as never).stripPathPrefix, undefined)
    assert.equal(routeOptions({tls: 'off', pathPrefix: '/a'} as never).stripPathPrefix, undefined)
  })
})

describe('TLS modes', () => {
  const tlsArgs = (tls: string) =>
    deployCommand(deployArgs('shop', {...recipe, proxy: {host: 'shop.test', tls}} as never, 'shop-abc:80')).filter((a) =>
      a.startsWith('--tls'),
    )

  it('auto asks kamal-proxy for automatic certificates (--tls, no paths); off sends no TLS flag', () => {
    assert.deepEqual(tlsArgs('auto'), ['--tls'])
    assert.deepEqual(tlsArgs('off'), [])
  })

  it('custom sends no --tls by itself: the proxy adds the stored pair, with its paths inside the proxy', () => {
    assert.deepEqual(tlsArgs('custom'), [])
    const paths = proxyCertificatePaths('shop', 'ab'.repeat(32))
    const args = {...deployArgs('shop', {...recipe, proxy: {host: 'shop.test', tls: 'custom'}} as never, 'shop-abc:80'), tls: true}
    const argv = deployCommand({...args, tlsCertificatePath: paths.certificate, tlsPrivateKeyPath: paths.privateKey})
    assert.deepEqual(
      argv.filter((a) => a.startsWith('--tls')),
      [
        '--tls',
        '--tls-certificate-path=/home/kamal-proxy/.config/kamal-proxy/discode-tls/shop/abababababababab/cert.pem',
        '--tls-private-key-path=/home/kamal-proxy/.config/kamal-proxy/discode-tls/shop/abababababababab/key.pem',
      ],
    )
  })
})
