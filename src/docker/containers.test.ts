import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {containerConfig, containerName} from './containers.js'

describe('containerConfig', () => {
  it('maps a spec to the Engine API create body: env, ports, volumes, restart, log limits, aliases', () => {
    const config = containerConfig({
      name: 'shop-web-1',
      image: 'acme/shop:1.0.0',
      env: {A: '1', SECRET: 's3cret'},
      labels: {'discode.app': 'shop'},
      network: 'discode',
      aliases: ['shop-web'],
      volumes: [{source: 'shop-data', target: '/data'}],
      restart: true,
      ports: [{containerPort: 80, hostPort: 8080, hostIp: '127.0.0.1'}],
    })
    assert.deepEqual(config.Env, ['A=1', 'SECRET=s3cret'])
    assert.deepEqual(config.ExposedPorts, {'80/tcp': {}})
    assert.deepEqual(config.HostConfig.PortBindings, {'80/tcp': [{HostIp: '127.0.0.1', HostPort: '8080'}]})
    assert.deepEqual(config.HostConfig.Mounts, [{Type: 'volume', Source: 'shop-data', Target: '/data'}])
    assert.deepEqual(config.HostConfig.RestartPolicy, {Name: 'unless-stopped'})
    assert.deepEqual(config.HostConfig.LogConfig, {Type: 'json-file', Config: {'max-size': '10m', 'max-file': '3'}})
    assert.deepEqual(config.NetworkingConfig, {EndpointsConfig: {discode: {Aliases: ['shop-web']}}})
    assert.equal('Healthcheck' in config, false)
  })

  it('gives a health check in nanoseconds, with StartInterval only when set; no restart for one-off runs', () => {
    const config = containerConfig({
      name: 'x',
      image: 'i',
      network: 'n',
      healthcheck: {test: ['curl', '-f', 'http://localhost/up'], intervalMs: 1000, timeoutMs: 500, retries: 3, startPeriodMs: 2000},
    })
    assert.deepEqual(config.Healthcheck, {
      Test: ['CMD', 'curl', '-f', 'http://localhost/up'],
      Interval: 1_000_000_000,
      Timeout: 500_000_000,
      Retries: 3,
      StartPeriod: 2_000_000_000,
    })
    assert.deepEqual(config.HostConfig.RestartPolicy, {Name: ''})
  })

  it("names a listed container without Docker's leading slash", () => {
    assert.equal(containerName({Names: ['/shop-web-1']}), 'shop-web-1')
    assert.equal(containerName({Names: []}), '')
  })
})
