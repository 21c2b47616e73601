/**
 * The pause strategy on the fake engine (src/testing): requests held while the serving
 * release is replaced, the way back when the new one fails, and a run killed while the route is paused.
 */
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import {recoverIfInterrupted} from './reconcile.js'
import {assertServing, deployOf, firstCall, failure} from '../testing/expect.js'
import type {FakeWorld} from '../testing/fake-engine.js'
import {APP, publish, installedShop} from '../testing/shop.js'
import {update} from '../updates/update-path.js'

describe('strategy: pause', () => {
  let world: FakeWorld
  before(async () => {
    world = await installedShop({strategy: 'pause'})
  })
  after(() => world.close())

  it('pause → stop the old → start the new → switch → resume; never two releases running', async () => {
    publish(world, ['1.1.0'])
    const old = (await world.record(APP))!.current!.container
    const mark = world.docker.calls.length
    const result = await update(world.engine, {app: APP})
    assert.equal(result.status, 'updated')
    const next = (await world.record(APP))!.current!.container
    const after = (point: string, target = '') =>
      world.docker.calls.findIndex((c, i) => i >= mark && c.point === point && c.target.includes(target))
    const order = [
      after('proxy.pause', APP),
      after('container.stop', old),
      after('container.start', next),
      deployOf(world, next),
      after('proxy.resume', APP),
    ]
    assert.ok(
      order.every((index) => index >= mark),
      `every step happened: ${order}`,
    )
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
      'in this order',
    )
    assert.equal(typeof (result.status === 'updated' && result.heldMs), 'number')
    await assertServing(world, '1.1.0')
  })

  it('a new release that fails its health check: the old one serves again and the hold ends', async () => {
    publish(world, ['1.2.0'])
    world.proxy.unhealthy('1.2.0')
    const error = await failure(update(world.engine, {app: APP}))
    assert.match(error.message, /target failed to become healthy/)
    assert.match(error.hint ?? '', /1\.1\.0 serves again: requests were held during the attempt, not refused/)
    assert.ok(world.reporter.steps.includes('revert'))
    await assertServing(world, '1.1.0')
    world.proxy.healthy('1.2.0')
  })

  for (const step of ['pause', 'stop', 'start'] as const) {
    it(`killed after "${step}" (the route left paused): status re-creates the route to the recorded release`, async () => {
      const serving = (await world.record(APP))!.current!.version
      world.crashAt(step, 'after')
      await world.crashed(update(world.engine, {app: APP}))
      assert.equal(world.proxy.routes.get(APP)?.state, 'paused')
      await recoverIfInterrupted(world.engine, APP)
      assert.ok(world.reporter.warnings.some((w) => w.includes('was left paused')))
      await assertServing(world, serving)
    })
  }

  it('then an update goes through', async () => {
    const removes = firstCall(world, 'proxy.remove')
    assert.ok(removes >= 0, 'a paused route is cleared by remove + deploy, never resumed after a restart')
    await update(world.engine, {app: APP})
    await assertServing(world, '1.2.0')
  })
})
