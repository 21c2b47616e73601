import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {deployCommand} from './commands.js'
import {parseList} from './list.js'
import {HealthCheckTimeoutError, HostConflictError, proxyCommandError, ServiceNotFoundError} from './errors.js'

/** Prints rows the way kamal-proxy's Table does: cells padded to the column width plus two spaces, always styled. */
function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
  const style = (row: number, col: number) => (row === 0 ? '3;94' : col === 0 ? '1;34' : '')
  return (
    rows
      .map((row, r) => row.map((cell, c) => `\u001B[${style(r, c)}m${cell}\u001B[0m${' '.repeat(widths[c] - cell.length)}  `).join(''))
      .join('\n') + '\n'
  )
}

describe('kamal-proxy list parsing', () => {
  it('strips the ANSI colours the proxy always prints and cuts cells at the header offsets', () => {
    const output = table([
      ['Service', 'Host', 'Target', 'State', 'TLS'],
      ['blog', '*', 'blog-abc123:80', 'running', 'no'],
      ['shop', 'a.test,b.test', 'shop-0123456789ab:3000', 'paused', 'yes'],
    ])
    assert.deepEqual(parseList(output), [
      {service: 'blog', hosts: [], targets: ['blog-abc123:80'], state: 'running', tls: false},
      {service: 'shop', hosts: ['a.test', 'b.test'], targets: ['shop-0123456789ab:3000'], state: 'paused', tls: true},
    ])
  })

  it('reads an empty list', () => {
    assert.deepEqual(parseList(table([['Service', 'Host', 'Target', 'State', 'TLS']])), [])
  })
})

describe('kamal-proxy command builders', () => {
  it('deploy passes every setting as --flag=value, hosts repeated', () => {
    const argv = deployCommand({
      service: 'shop',
      target: 'shop-0123456789ab:3000',
      hosts: ['a.test', 'b.test'],
      healthCheckPath: '/up',
      healthCheckInterval: '1s',
      healthCheckTimeout: '5s',
      deployTimeout: '30s',
      drainTimeout: '30s',
      tls: false,
    })
    assert.deepEqual(argv, [
      'kamal-proxy',
      'deploy',
      'shop',
      '--target=shop-0123456789ab:3000',
      '--host=a.test',
      '--host=b.test',
      '--health-check-path=/up',
      '--health-check-interval=1s',
      '--health-check-timeout=5s',
      '--deploy-timeout=30s',
      '--drain-timeout=30s',
    ])
  })
})

describe('kamal-proxy errors', () => {
  it("maps the proxy's own messages to typed errors", () => {
    assert.ok(
      proxyCommandError('Error: target failed to become healthy within configured timeout (30s)\n', 1) instanceof HealthCheckTimeoutError,
    )
    assert.ok(proxyCommandError('Error: host settings conflict with another service\n', 1) instanceof HostConflictError)
    assert.ok(proxyCommandError('Error: service not found\n', 1) instanceof ServiceNotFoundError)
    const other = proxyCommandError('Error: something new\n', 1)
    assert.equal(other.message, 'kamal-proxy: something new')
    assert.equal(
      proxyCommandError('panic: close of nil channel\n', 2).message,
      'kamal-proxy: exited with code 2: panic: close of nil channel',
    )
  })
})
