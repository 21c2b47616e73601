/**
 * A cluster app's releases on the fake engine's Swarm (src/lifecycle/testing): each release a service
 * the proxy targets by name, hooks as jobs, the old release scaled to 0 and kept for a rollback.
 */
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import {recoverIfInterrupted} from '../lifecycle/reconcile.js'
import {rollback} from '../lifecycle/rollback.js'
import {assertServing, failure} from '../lifecycle/testing/expect.js'
import type {FakeWorld} from '../lifecycle/testing/fake-engine.js'
import {APP, installShop, publish, shopWorld} from '../lifecycle/testing/shop.js'
import {update} from '../updates/update-path.js'

describe('the cluster runtime', () => {
  let world: FakeWorld
  const swarm = () => world.docker.swarm
  before(async () => {
    const shop = await shopWorld(['1.0.0'], {migrate: true, cluster: 2})
    world = shop.world
    await installShop(world, shop.recipe, undefined, true)
  })
  after(() => world.close())

  it('install: the release is a service of 2 replicas on the overlay network, routed by its name', async () => {
    const record = (await world.record(APP))!
    assert.deepEqual(record.cluster, {replicas: 2, network: 'discode-cluster'})
    assert.equal(world.docker.networks.get('discode-cluster')?.driver, 'overlay')
    assert.ok(world.docker.containers.get('kamal-proxy')?.networks.has('discode-cluster'), 'the proxy joined the overlay')
    assert.deepEqual(world.docker.named(APP), [], 'no container: services only')
    await assertServing(world, '1.0.0')
  })

  it('update: new service beside the old, the hook as a job, the switch, the old scaled to 0 and kept', async () => {
    publish(world, ['1.1.0'])
    const old = (await world.record(APP))!.current!.container
    const mark = world.docker.calls.length
    await update(world.engine, {app: APP})
    const next = (await world.record(APP))!.current!.container
    const at = (point: string, target: string) =>
      world.docker.calls.findIndex((c, i) => i >= mark && c.point === point && c.target.includes(target))
    const job = world.docker.calls.findIndex((c, i) => i >= mark && c.point === 'service.create' && c.target.startsWith(`${APP}-hook-`))
    const deploy = world.docker.calls.findIndex(
      (c, i) => i >= mark && c.point === 'proxy.deploy' && (c.detail as string[]).includes(`--target=${next}:80`),
    )
    assert.ok(at('service.create', next) < job && job < deploy, 'service, then the hook job, then the switch')
    assert.ok(deploy < at('service.update', old), 'the old service is scaled down only after the switch')
    assert.equal(swarm().replicas(old), 0)
    assert.ok(swarm().services.has(old), 'kept for a rollback')
    assert.ok(![...swarm().services.keys()].some((s) => s.startsWith(`${APP}-hook-`)), 'the job service is removed')
    await assertServing(world, '1.1.0')
  })

  it('a failed health check: the new service is removed, the old keeps its replicas', async () => {
    publish(world, ['1.2.0'])
    world.proxy.unhealthy('1.2.0')
    const services = [...swarm().services.keys()].sort()
    const error = await failure(update(world.engine, {app: APP}))
    assert.match(error.message, /target failed to become healthy/)
    assert.deepEqual([...swarm().services.keys()].sort(), services)
    await assertServing(world, '1.1.0')
    world.proxy.healthy('1.2.0')
  })

  it('replicas that crash at start: refused before the switch, reported as the crash', async () => {
    swarm().crashing.add('1.2.0')
    const error = await failure(update(world.engine, {app: APP}))
    assert.equal(error.code, 'REPLICAS_FAILED')
    assert.match(error.message, /could not start its replicas/)
    await assertServing(world, '1.1.0')
    swarm().crashing.delete('1.2.0')
  })

  it("replicas that run, then crash while the proxy checks them: reported as the crash, not the proxy's symptom", async () => {
    swarm().crashingLater.add('1.2.0')
    const error = await failure(update(world.engine, {app: APP}))
    assert.equal(error.code, 'REPLICAS_FAILED')
    assert.match(error.message, /could not start its replicas: task: non-zero exit \(3\) \(exit 3\)/)
    assert.ok(world.docker.count('proxy.deploy') > 0, 'the crash came after the replicas ran, while the proxy checked them')
    await assertServing(world, '1.1.0')
    swarm().crashingLater.delete('1.2.0')
  })

  it('killed after the switch: status adopts the new service and scales the old to 0', async () => {
    world.crashAt('switch', 'after')
    await world.crashed(update(world.engine, {app: APP}))
    assert.equal(await recoverIfInterrupted(world.engine, APP), true)
    await assertServing(world, '1.2.0')
  })

  it('rollback: the kept service is scaled back up and takes the traffic, the other goes to 0', async () => {
    const result = await rollback(world.engine, {app: APP, data: 'keep'})
    assert.equal(result.to.version, '1.1.0')
    assert.equal(swarm().replicas(result.from!.container), 0)
    await assertServing(world, '1.1.0')
  })
})
