/**
 * rollback on the fake engine (src/testing): code only, across a migration with
 * --keep-data (then --restore-data to the same release), with --restore-data (the snapshot taken
 * before the migration comes back), and with
 * the recipe's reverse migration.
 */
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import {recoverIfInterrupted} from './reconcile.js'
import {rollback} from './rollback.js'
import {assertServing, failure} from '../testing/expect.js'
import type {FakeWorld} from '../testing/fake-engine.js'
import {APP, installShop, publish, shopWorld, type ShopOptions} from '../testing/shop.js'
import {update} from '../updates/update-path.js'

const VOLUME = `${APP}-data`

/** shop 1.0.0 installed with "v1" in its volume, updated to 1.1.0 whose migration wrote "v2". */
async function migrated(options: ShopOptions): Promise<FakeWorld> {
  const {world, recipe} = await shopWorld(['1.0.0'], {volume: true, ...options})
  await installShop(world, recipe)
  world.docker.volumes.get(VOLUME)!.data = Buffer.from('v1')
  publish(world, ['1.1.0'])
  await update(world.engine, {app: APP})
  world.docker.volumes.get(VOLUME)!.data = Buffer.from('v2')
  return world
}

const data = (world: FakeWorld) => world.docker.volumes.get(VOLUME)?.data.toString()

describe('rollback without a migration in between', () => {
  let world: FakeWorld
  before(async () => (world = await migrated({})))
  after(() => world.close())

  it('the kept release starts beside the serving one, takes the traffic, the other is retired', async () => {
    const serving = (await world.record(APP))!.current!.container
    const result = await rollback(world.engine, {app: APP})
    assert.deepEqual([result.from?.version, result.to.version], ['1.1.0', '1.0.0'])
    await assertServing(world, '1.0.0')
    assert.equal(world.docker.containers.get(serving)?.state, 'exited', '1.1.0 is kept, stopped')
    assert.deepEqual(
      (await world.record(APP))!.previous.map((r) => r.version),
      ['1.1.0'],
    )
    assert.equal(data(world), 'v2', 'the data is not touched')
  })

  it('killed after the switch: status records the release the proxy serves', async () => {
    world.crashAt('switch', 'after')
    await world.crashed(rollback(world.engine, {app: APP}))
    assert.equal(await recoverIfInterrupted(world.engine, APP), true)
    await assertServing(world, '1.1.0')
    await rollback(world.engine, {app: APP})
    await assertServing(world, '1.0.0')
  })

  it('a kept release that fails its health check: the serving one keeps serving', async () => {
    world.proxy.unhealthy('1.1.0')
    const error = await failure(rollback(world.engine, {app: APP}))
    assert.match(error.message, /target failed to become healthy/)
    await assertServing(world, '1.0.0')
  })
})

describe('rollback across a migration', () => {
  let world: FakeWorld
  before(async () => (world = await migrated({migrate: true})))
  after(() => world.close())

  it('without --keep-data or --restore-data it refuses and changes nothing', async () => {
    const error = await failure(rollback(world.engine, {app: APP}))
    assert.equal(error.code, 'ROLLBACK_NEEDS_DATA_CHOICE')
    assert.match(error.hint ?? '', /--restore-data brings back snapshot/)
    await assertServing(world, '1.1.0')
  })

  it('--keep-data switches the code only', async () => {
    await rollback(world.engine, {app: APP, data: 'keep'})
    await assertServing(world, '1.0.0')
    assert.equal(data(world), 'v2')
  })

  it('a later --restore-data to that release brings back the data it ran on last, not the older snapshot', async () => {
    world.docker.volumes.get(VOLUME)!.data = Buffer.from('v2 and what 1.0.0 wrote on it')
    publish(world, ['1.2.0'])
    await update(world.engine, {app: APP})
    world.docker.volumes.get(VOLUME)!.data = Buffer.from('v3')
    const result = await rollback(world.engine, {app: APP, to: '1.0.0', data: 'restore'})
    assert.equal(result.to.version, '1.0.0')
    assert.equal(data(world), 'v2 and what 1.0.0 wrote on it', 'the snapshot taken before 1.2.0, not the one before 1.1.0 (v1)')
    await assertServing(world, '1.0.0')
  })
})

describe('rollback across a migration with --restore-data', () => {
  let world: FakeWorld
  before(async () => (world = await migrated({migrate: true})))
  after(() => world.close())

  it('brings back the data from before the migration, with the code, requests held', async () => {
    const pauses = world.docker.count('proxy.pause')
    const result = await rollback(world.engine, {app: APP, data: 'restore'})
    assert.equal(result.to.version, '1.0.0')
    assert.match(result.restoredSnapshot ?? '', /pre-update/)
    assert.equal(data(world), 'v1', 'the data 1.0.0 had before 1.1.0 migrated it')
    assert.ok(world.docker.count('proxy.pause') > pauses, 'requests were held during the restore')
    await assertServing(world, '1.0.0')
  })
})

describe('rollback across a migration the recipe can reverse', () => {
  let world: FakeWorld
  before(async () => (world = await migrated({migrate: true, unmigrate: true})))
  after(() => world.close())

  it('runs preRollback in the image being left, then switches the code', async () => {
    const leaving = (await world.record(APP))!.current!
    await rollback(world.engine, {app: APP})
    const hooks = world.docker.calls.filter((c) => c.point === 'container.create' && c.target.startsWith(`${APP}-hook-`))
    const unmigrate = hooks.at(-1)!
    const body = unmigrate.detail as {Image: string; Cmd: string[]}
    assert.deepEqual([body.Image, body.Cmd], [leaving.imageId, ['unmigrate']], 'in the image being left')
    const deploy = world.docker.calls.findIndex((c, i) => i > world.docker.calls.indexOf(unmigrate) && c.point === 'proxy.deploy')
    assert.ok(deploy > 0, 'the switch comes after the reverse migration')
    assert.ok(
      world.reporter.events.some((e) => e.kind === 'started' && e.message.includes(`preRollback hook unmigrate in ${leaving.version}`)),
    )
    await assertServing(world, '1.0.0')
  })

  it('a failing reverse migration rolls nothing back', async () => {
    publish(world, ['1.1.1'])
    await update(world.engine, {app: APP})
    world.docker.hookExits('unmigrate', 2, 'cannot reverse\n')
    const error = await failure(rollback(world.engine, {app: APP}))
    assert.equal(error.code, 'HOOK_FAILED')
    assert.match(error.message, /nothing was rolled back/)
    await assertServing(world, '1.1.1')
  })
})
