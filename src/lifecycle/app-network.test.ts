/**
 * One network per app, against the fake Engine: install creates it and the proxy joins it, a second
 * app gets its own, uninstall takes it away, and an app an older discode left on the one shared
 * network moves to its own with its next update, in the order that fails no request.
 */
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import {install} from './install.js'
import {recoverIfInterrupted} from './reconcile.js'
import {uninstall} from './uninstall.js'
import {update} from '../updates/update-path.js'
import {assertServing, deployOf} from '../testing/expect.js'
import type {FakeWorld} from '../testing/fake-engine.js'
import {APP, installShop, publish, shopWorld} from '../testing/shop.js'

const SHARED = 'discode'
const NET = `${SHARED}.${APP}`
const OTHER = 'blog'
const OTHER_NET = `${SHARED}.${OTHER}`
const CACHE = `${APP}-cache`

describe("each app on its own network, the proxy on every app's (fake engine)", () => {
  let world: FakeWorld
  let recipe: string
  before(async () => ({world, recipe} = await shopWorld(['1.0.0'], {cache: true})))
  after(() => world.close())

  const networksOf = (name: string) => [...(world.docker.containers.get(name)?.networks ?? [])].sort()
  const proxyNetworks = () => networksOf(world.engine.proxy.containerName)
  /** The index of the call at `point` on `target` whose detail names `container` (-1: none). */
  const callOn = (point: string, target: string, container: string, from = 0) =>
    world.docker.calls.findIndex(
      (c, i) => i >= from && c.point === point && c.target === target && (c.detail as {container?: string})?.container === container,
    )

  it("install creates the app's network, labelled as the app's, and the proxy joins it before the release starts", async () => {
    const result = await installShop(world, recipe)
    assert.deepEqual(world.docker.networks.get(NET)?.labels, {'discode.network': 'app', 'discode.app': APP})
    assert.deepEqual(networksOf(result.to.container), [NET], "the release on the app's network only")
    assert.deepEqual(networksOf(CACHE), [NET], "the accessory on the app's network only")
    assert.deepEqual(proxyNetworks(), [SHARED, NET], 'the proxy keeps its own network and joins the app network')
    const joined = callOn('network.connect', NET, world.engine.proxy.containerName)
    assert.ok(joined >= 0 && joined < deployOf(world, result.to.container), 'the proxy joined before it was asked to route')
    const cache = world.docker.calls.find((c) => c.point === 'container.create' && c.target === CACHE)
    assert.equal((cache?.detail as {HostConfig: {NetworkMode: string}}).HostConfig.NetworkMode, NET, 'the accessory is created on it')
    await assertServing(world, '1.0.0')
  })

  it('a second app gets a network of its own: neither app is on the other’s, the proxy on both', async () => {
    const result = await install(world.engine, {app: OTHER, recipe, set: {hostname: 'blog.localhost'}})
    assert.deepEqual(world.docker.networks.get(OTHER_NET)?.labels, {'discode.network': 'app', 'discode.app': OTHER})
    assert.deepEqual(networksOf(result.to.container), [OTHER_NET])
    assert.deepEqual(networksOf(`${OTHER}-cache`), [OTHER_NET])
    for (const name of world.docker.named(APP)) assert.ok(!networksOf(name).includes(OTHER_NET), `${name} is not on ${OTHER_NET}`)
    assert.deepEqual(proxyNetworks(), [SHARED, OTHER_NET, NET])
    const listed = await world.docker.listNetworks({filters: {label: ['discode.network=app']}})
    assert.deepEqual(listed.map((n) => n.Name).sort(), [OTHER_NET, NET], 'what proxy boot attaches the proxy to')
  })

  it("uninstall detaches the proxy from the app's network, then removes it; the other app keeps its own", async () => {
    const mark = world.docker.calls.length
    const result = await uninstall(world.engine, {app: OTHER, purge: true})
    assert.deepEqual(result.network, {name: OTHER_NET, removed: true, usedBy: []})
    assert.equal(world.docker.networks.has(OTHER_NET), false)
    const detached = callOn('network.disconnect', OTHER_NET, world.engine.proxy.containerName, mark)
    const removed = world.docker.calls.findIndex((c, i) => i >= mark && c.point === 'network.remove' && c.target === OTHER_NET)
    assert.ok(detached >= 0 && detached < removed, 'the proxy left it first (a network with endpoints cannot go)')
    assert.deepEqual(proxyNetworks(), [SHARED, NET])
    assert.ok(world.docker.networks.has(NET))
    await assertServing(world, '1.0.0')
  })

  it('an install on the one shared network moves with its next update: new release on the app network, switched there, then the rest', async () => {
    // What an older discode left: the release, the accessory and the proxy on DISCODE_NETWORK alone.
    const old = (await world.record(APP))!.current!.container
    for (const name of [old, CACHE]) world.docker.containers.get(name)!.networks = new Set([SHARED])
    world.docker.containers.get(world.engine.proxy.containerName)!.networks.delete(NET)
    world.docker.networks.delete(NET)

    publish(world, ['1.1.0'])
    const mark = world.docker.calls.length
    const result = await update(world.engine, {app: APP})
    assert.equal(result.status, 'updated')
    const next = (await world.record(APP))!.current!.container
    const at = (point: string, target: string) =>
      world.docker.calls.findIndex((c, i) => i >= mark && c.point === point && c.target === target)
    const created = at('network.create', NET)
    const proxyJoined = callOn('network.connect', NET, world.engine.proxy.containerName, mark)
    const cacheJoined = callOn('network.connect', NET, CACHE, mark)
    const started = at('container.start', next)
    const switched = deployOf(world, next)
    const retired = at('container.stop', old)
    const cacheLeft = callOn('network.disconnect', SHARED, CACHE, mark)
    const oldMoved = callOn('network.connect', NET, old, mark)
    assert.ok(created >= 0 && created < proxyJoined, 'the network is created, then the proxy joins it')
    assert.ok(proxyJoined < started && cacheJoined < started, 'the proxy and the accessory are on it before the new release starts')
    const createdNext = world.docker.calls.find((c, i) => i >= mark && c.point === 'container.create' && c.target === next)
    assert.equal(
      (createdNext?.detail as {HostConfig: {NetworkMode: string}}).HostConfig.NetworkMode,
      NET,
      'the new release on the app network',
    )
    assert.ok(started < switched && switched < retired, 'the proxy switches to the new release on the app network, then the old stops')
    assert.ok(callOn('network.disconnect', SHARED, old, mark) > retired, 'the serving release is never detached while it serves')
    assert.ok(retired < cacheLeft, 'the accessory keeps the shared network while the old release still runs there')
    assert.ok(retired < oldMoved, 'the kept release moves once stopped (a rollback starts it there)')
    assert.equal(
      world.docker.calls.some(
        (c, i) => i >= mark && c.point === 'network.disconnect' && (c.detail as {container: string}).container === next,
      ),
      false,
    )
    for (const name of [next, CACHE, old]) assert.deepEqual(networksOf(name), [NET], name)
    assert.deepEqual(proxyNetworks(), [SHARED, NET])
    await assertServing(world, '1.1.0')
  })

  it('the next update has nothing left to move: no network step', async () => {
    publish(world, ['1.2.0'])
    const mark = world.docker.calls.length
    await update(world.engine, {app: APP})
    const moves = world.docker.calls.slice(mark).filter((c) => /^network\.(create|connect|disconnect)$/.test(c.point))
    assert.deepEqual(moves, [])
    await assertServing(world, '1.2.0')
  })
})

describe('a move to the app network killed between the switch and the retire (fake engine)', () => {
  let world: FakeWorld
  let recipe: string
  before(async () => ({world, recipe} = await shopWorld(['1.0.0'], {cache: true})))
  after(() => world.close())

  it('the next command retires the old release and finishes the move', async () => {
    await installShop(world, recipe)
    const old = (await world.record(APP))!.current!.container
    for (const name of [old, CACHE]) world.docker.containers.get(name)!.networks = new Set([SHARED])
    world.docker.containers.get(world.engine.proxy.containerName)!.networks.delete(NET)
    world.docker.networks.delete(NET)
    publish(world, ['1.1.0'])
    world.crashAt('switch', 'after')
    await world.crashed(update(world.engine, {app: APP}))
    const networks = (name: string) => [...world.docker.containers.get(name)!.networks].sort()
    assert.deepEqual(networks(old), [SHARED], 'killed half-way: the old release is still on the shared network')
    assert.deepEqual(networks(CACHE), [SHARED, NET], 'and the accessory on both')

    await recoverIfInterrupted(world.engine, APP)
    for (const name of [old, CACHE, world.engine.proxy.containerName]) assert.ok(networks(name).includes(NET), name)
    assert.deepEqual(networks(CACHE), [NET], 'the move is finished')
    assert.deepEqual(networks(old), [NET])
    await assertServing(world, '1.1.0')
  })
})
