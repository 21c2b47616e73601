import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {deployCommand} from './commands.js'
import {deployArgs, DRAIN_TIMEOUT, recipeHosts} from './deploy-args.js'

const recipe = {
  proxy: {host: 'a.example.com, b.example.com,', tls: true},
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
    assert.deepEqual(recipeHosts({proxy: {tls: false}} as never), [])
  })
})
