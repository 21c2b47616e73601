/**
 * rollback as gather -> plan -> apply on the fake engine (src/testing): the plan `rollback
 * --check` shows is the one the rollback applies and returns, and one rollback reads the record, the
 * recipe and the secrets once each, fetches no feed and takes the lock once; with and without data
 * (the restore, shared with `discode restore`, is given what the rollback read).
 */
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import {checkRollback, rollback} from './rollback.js'
import {assertServing, failure} from '../testing/expect.js'
import type {FakeWorld} from '../testing/fake-engine.js'
import {APP, installShop, publish, shopWorld, type ShopOptions} from '../testing/shop.js'
import {update} from '../updates/update-path.js'

const VOLUME = `${APP}-data`

/** shop 1.0.0 installed with "v1" in its volume, updated to 1.1.0 whose migration (if any) wrote "v2". */
async function updated(options: ShopOptions): Promise<FakeWorld> {
  const {world, recipe} = await shopWorld(['1.0.0'], {volume: true, ...options})
  await installShop(world, recipe)
  world.docker.volumes.get(VOLUME)!.data = Buffer.from('v1')
  publish(world, ['1.1.0'])
  await update(world.engine, {app: APP})
  world.docker.volumes.get(VOLUME)!.data = Buffer.from('v2')
  return world
}

function counts(world: FakeWorld) {
  const now = () => ({
    record: world.store.reads,
    recipe: world.recipeReads,
    secrets: world.store.secretReads,
    feed: world.feed.hits,
    locks: world.locks,
  })
  const before = now()
  return () => {
    const after = now()
    return Object.fromEntries(Object.entries(after).map(([key, value]) => [key, value - before[key as keyof typeof before]]))
  }
}

const ONCE = {record: 1, recipe: 1, secrets: 1, feed: 0, locks: 1}
const data = (world: FakeWorld) => world.docker.volumes.get(VOLUME)?.data.toString()

describe('a rollback without a migration: plan once, then apply', () => {
  let world: FakeWorld
  before(async () => (world = await updated({processes: ['worker: {command: [bin/jobs], health: {settle: 10ms}}']})))
  after(() => world.close())

  it('--check plans 1.0.0, the data untouched, the worker following, and changes nothing', async () => {
    const calls = world.docker.calls.length
    const plan = await checkRollback(world.engine, APP, {})
    assert.equal(plan.target?.version, '1.0.0')
    assert.deepEqual(plan.data, {action: 'none'})
    assert.deepEqual(plan.processes, ['worker'])
    assert.deepEqual(plan.blockers, [])
    assert.ok(
      world.docker.calls.slice(calls).every((c) => /\.(inspect|list)$/.test(c.point)),
      '--check only reads',
    )
    await assertServing(world, '1.1.0')
  })

  it('the rollback applies that plan, reading the record, recipe and secrets once and taking the lock once', async () => {
    const plan = await checkRollback(world.engine, APP, {})
    const read = counts(world)
    const result = await rollback(world.engine, {app: APP})
    assert.deepEqual(read(), ONCE)
    assert.deepEqual(result.plan, plan, 'the plan applied is the one --check showed')
    assert.equal(result.to.container, plan.target?.container)
    assert.deepEqual(Object.keys(result.to.processes ?? {}), ['worker'], 'the worker followed, as planned')
    assert.equal(data(world), 'v2')
    await assertServing(world, '1.0.0')
  })

  it('--to a release not on the host: --check shows the blocker, and the rollback refuses it', async () => {
    const plan = await checkRollback(world.engine, APP, {to: '0.9.0'})
    assert.equal(plan.target, null)
    assert.deepEqual(
      plan.blockers.map((b) => b.code),
      ['NO_PREVIOUS_RELEASE'],
    )
    const error = await failure(rollback(world.engine, {app: APP, to: '0.9.0'}))
    assert.equal(error.code, 'NO_PREVIOUS_RELEASE')
    assert.equal(error.message, plan.blockers[0].message)
    await assertServing(world, '1.0.0')
  })
})

describe('a rollback across a migration: the data decision is planned', () => {
  let world: FakeWorld
  before(async () => (world = await updated({migrate: true})))
  after(() => world.close())

  it('without a choice the plan is blocked (needs-choice, naming the snapshot) and nothing runs', async () => {
    const plan = await checkRollback(world.engine, APP, {})
    assert.equal(plan.data.action, 'needs-choice')
    assert.deepEqual(plan.data.action === 'needs-choice' && plan.data.migrations, ['1.1.0'])
    assert.deepEqual(
      plan.blockers.map((b) => b.code),
      ['ROLLBACK_NEEDS_DATA_CHOICE'],
    )
    const calls = world.docker.calls.length
    const error = await failure(rollback(world.engine, {app: APP}))
    assert.equal(error.code, 'ROLLBACK_NEEDS_DATA_CHOICE')
    assert.ok(world.docker.calls.slice(calls).every((c) => !/\.(create|start|stop|remove|deploy)$/.test(c.point)))
    await assertServing(world, '1.1.0')
  })

  it('--keep-data: the plan keeps the data, and the rollback reads each fact once', async () => {
    const plan = await checkRollback(world.engine, APP, {data: 'keep'})
    assert.deepEqual(plan.data, {action: 'keep', reason: 'chosen', migrations: ['1.1.0']})
    const read = counts(world)
    const result = await rollback(world.engine, {app: APP, data: 'keep'})
    assert.deepEqual(read(), ONCE)
    assert.deepEqual(result.plan, plan)
    assert.equal(data(world), 'v2')
    await assertServing(world, '1.0.0')
  })

  it('--restore-data: the plan names the snapshot the rollback restores, and each fact is read once', async () => {
    publish(world, ['1.2.0'])
    await update(world.engine, {app: APP})
    world.docker.volumes.get(VOLUME)!.data = Buffer.from('v3')
    const plan = await checkRollback(world.engine, APP, {data: 'restore'})
    assert.equal(plan.data.action, 'restore')
    const read = counts(world)
    const result = await rollback(world.engine, {app: APP, data: 'restore'})
    assert.deepEqual(result.plan, plan)
    assert.equal(result.restoredSnapshot, plan.data.action === 'restore' ? plan.data.snapshot.id : undefined)
    assert.equal(data(world), 'v2', 'the data 1.0.0 ran on last, from before 1.2.0 migrated it')
    // One lock for the rollback and its restore, which is given what the rollback read (the record as
    // switched, the target's recipe, the secrets) and reads none of it again.
    assert.deepEqual(read(), ONCE)
    await assertServing(world, '1.0.0')
  })
})
