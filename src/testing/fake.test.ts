/** The fake itself: it must speak as the real kamal-proxy and Docker do, and stay out of product code. */
import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, it} from 'node:test'

import {HealthCheckTimeoutError, proxyCommandError, ServiceNotFoundError} from '../proxy/errors.js'
import {parseList} from '../proxy/list.js'
import {FakeDocker} from './fake-docker.js'

describe('the fake kamal-proxy', () => {
  const docker = new FakeDocker()
  const proxy = docker.proxy
  const run = (...argv: string[]) => proxy.run(['kamal-proxy', ...argv])

  it("lists its routes in the real table, which the product's parser reads", () => {
    docker.containers.set('shop-abc', {labels: {'discode.version': '1.0.0'}, state: 'running'} as never)
    assert.equal(run('deploy', 'shop', '--target=shop-abc:80', '--host=shop.localhost', '--deploy-timeout=6s').exitCode, 0)
    assert.equal(run('deploy', 'other', '--target=shop-abc:80', '--host=a.example', '--host=b.example', '--tls').exitCode, 0)
    run('pause', 'other')
    const listed = run('list').stdout
    assert.match(listed, /\u001b\[/, 'with ANSI codes, as the real one always prints')
    assert.deepEqual(parseList(listed), [
      {service: 'other', hosts: ['a.example', 'b.example'], targets: ['shop-abc:80'], state: 'paused', tls: true},
      {service: 'shop', hosts: ['shop.localhost'], targets: ['shop-abc:80'], state: 'running', tls: false},
    ])
  })

  it("fails as the real one does, and the product's error mapping recognises each", () => {
    proxy.unhealthy('1.0.0')
    const unhealthy = run('deploy', 'shop', '--target=shop-abc:80', '--host=shop.localhost', '--deploy-timeout=6s')
    assert.equal(unhealthy.stderr, 'Error: target failed to become healthy within configured timeout (6s)\n')
    assert.ok(proxyCommandError(unhealthy.stderr, unhealthy.exitCode) instanceof HealthCheckTimeoutError)
    const missing = run('remove', 'nothing')
    assert.ok(proxyCommandError(missing.stderr, missing.exitCode) instanceof ServiceNotFoundError)
    proxy.healthy('1.0.0')
    const conflict = run('deploy', 'third', '--target=shop-abc:80', '--host=shop.localhost')
    assert.equal(proxyCommandError(conflict.stderr, conflict.exitCode).code, 'HOST_CONFLICT')
  })
})

describe('the fake Docker', () => {
  it('answers like Docker: 404 for a missing container, 304 for a second start, an injected failure once', async () => {
    const docker = new FakeDocker()
    await assert.rejects(docker.getContainer('nope').inspect(), {statusCode: 404})
    docker.publish('img:1')
    await docker.createNetwork({Name: 'net'})
    await docker.getImage('img:1').pull()
    await docker.createContainer({_query: {name: 'c'}, _body: {Image: 'img:1', HostConfig: {NetworkMode: 'net'}}})
    await docker.getContainer('c').start()
    await assert.rejects(docker.getContainer('c').start(), {statusCode: 304})
    docker.failAt('container.stop', {target: 'c'})
    await assert.rejects(docker.getContainer('c').stop(), /injected failure/)
    await docker.getContainer('c').stop()
    assert.equal(docker.count('container.stop', 'c'), 2)
  })
})

describe('the fake Docker networks', () => {
  it('filters as Docker does, refuses a double connect or a busy removal, and shows connections in inspect and list', async () => {
    const docker = new FakeDocker()
    docker.publish('img:1')
    await docker.getImage('img:1').pull()
    await docker.createNetwork({Name: 'discode'})
    await docker.createNetwork({Name: 'discode.shop', Labels: {'discode.network': 'app', 'discode.app': 'shop'}})
    await assert.rejects(docker.createNetwork({Name: 'discode'}), {statusCode: 409})
    const names = async (filters: object) => (await docker.listNetworks({filters})).map((n) => n.Name).sort()
    assert.deepEqual(await names({label: ['discode.network=app']}), ['discode.shop'])
    assert.deepEqual(await names({label: ['discode.app']}), ['discode.shop'])
    assert.deepEqual(await names({name: ['disc']}), ['discode', 'discode.shop'], 'a name filter matches part of the name')
    assert.deepEqual(await names({}), ['discode', 'discode.shop'])
    assert.deepEqual((await docker.listNetworks({filters: JSON.stringify({label: ['discode.app=blog']})})).length, 0)

    await docker.createContainer({_query: {name: 'c'}, _body: {Image: 'img:1', HostConfig: {NetworkMode: 'discode'}}})
    await docker.getContainer('c').start()
    const net = docker.getNetwork('discode.shop')
    await net.connect({Container: 'c', EndpointConfig: {Aliases: ['c']}})
    await assert.rejects(net.connect({Container: 'c'}), {statusCode: 403, message: /already exists in network/})
    assert.deepEqual(Object.keys((await docker.getContainer('c').inspect()).NetworkSettings.Networks), ['discode', 'discode.shop'])
    const listed = await docker.listContainers({filters: {network: ['discode.shop']}})
    assert.deepEqual(Object.keys(listed[0]!.NetworkSettings.Networks), ['discode', 'discode.shop'])
    assert.deepEqual(
      Object.values((await net.inspect()).Containers).map((c) => c.Name),
      ['c'],
    )
    await assert.rejects(net.remove(), {statusCode: 403, message: /active endpoints/})
    await net.disconnect({Container: 'c'})
    await assert.rejects(net.disconnect({Container: 'c'}), {statusCode: 403, message: /is not connected/})
    await assert.rejects(docker.getNetwork('gone').connect({Container: 'c'}), {statusCode: 404})
    await net.remove()
    assert.deepEqual(await names({}), ['discode'])
  })
})

describe('src/testing', () => {
  it('is imported by tests only, never by product code', () => {
    const src = join(import.meta.dirname, '..', '..')
    const offenders = (readdirSync(src, {recursive: true, encoding: 'utf8'}) as string[])
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.includes(join('lifecycle', 'testing')))
      .filter((file) => /from '[./]*(lifecycle\/)?testing\//.test(readFileSync(join(src, file), 'utf8')))
    assert.deepEqual(offenders, [])
  })
})
