/**
 * `discode update` along the vendor's upgrade path on the fake engine (src/testing): the
 * plan `--check` shows (checkUpdate) against what the update then did, hop by hop, and what one
 * update gathers (record, recipe, feed, lock: once each).
 */
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import {recoverIfInterrupted} from '../lifecycle/reconcile.js'
import {assertServing, failure} from '../testing/expect.js'
import type {FakeWorld} from '../testing/fake-engine.js'
import {APP, publish, shopImage, shopRecipe, installedShop} from '../testing/shop.js'
import type {UpdatePlan} from './plan.js'
import {checkUpdate, HopFailedError, updateAlongPath} from './update-path.js'

const release = (version: string, extra: {required?: boolean; minimumFrom?: string} = {}) => ({
  version,
  image: shopImage(version),
  ...extra,
})

describe('an update with required hops: the plan --check shows is the one applied', () => {
  let world: FakeWorld
  let plan: UpdatePlan
  before(async () => {
    world = await installedShop({migrate: true})
    // The vendor's newer recipe brings an accessory and an input with a default.
    const dir = shopRecipe(world, {migrate: true, cache: true})
    const file = `${dir}/recipe.yml`
    const {readFileSync, writeFileSync} = await import('node:fs')
    writeFileSync(file, readFileSync(file, 'utf8').replace('inputs:\n', 'inputs:\n  - {name: currency, default: EUR}\n'))
    publish(world, [release('1.1.0'), release('2.0.0', {required: true}), release('2.1.0'), release('2.2.0', {minimumFrom: '2.1.0'})])
  })
  after(() => world.close())

  it('--check plans 2.0.0 (required), 2.1.0 (the stepping stone), then 2.2.0, and changes nothing', async () => {
    const calls = world.docker.calls.length
    plan = await checkUpdate(world.engine, APP, {})
    assert.deepEqual(
      plan.hops.map((h) => h.version),
      ['2.0.0', '2.1.0', '2.2.0'],
    )
    assert.deepEqual(plan.blockers, [])
    assert.deepEqual(
      plan.hops.map((h) => h.accessories.added),
      [['cache'], [], []],
    )
    assert.deepEqual(
      plan.hops[0].newInputs.map((i) => [i.name, i.source]),
      [['currency', 'default']],
    )
    assert.ok(plan.hops.every((h) => h.snapshot && h.hooks.preSwitch.join() === 'migrate'))
    // Reads only (the one exec asks kamal-proxy whether the app is routed; assertServing below checks the route).
    const changes = world.docker.calls
      .slice(calls)
      .filter((c) => !/\.(inspect|list|tasks)$/.test(c.point) && !(c.point === 'container.exec' && c.target === 'kamal-proxy'))
    assert.deepEqual(changes, [], '--check only reads')
    await assertServing(world, '1.0.0')
  })

  it('the update takes exactly those hops, each with what the plan said', async () => {
    const hops: string[] = []
    const feedBefore = world.feed.hits
    const locksBefore = world.locks
    const result = await updateAlongPath(world.engine, {app: APP, onHop: (_i, _n, version) => hops.push(version)})
    assert.deepEqual(
      hops,
      plan.hops.map((h) => h.version),
    )
    assert.deepEqual(result.plan, plan, 'the plan applied is the one --check showed')
    const applied = result.results.map((r) => (r.status === 'updated' ? r : assert.fail(r.status)))
    assert.deepEqual(
      applied.map((r) => [r.from?.version, r.to.version]),
      [
        ['1.0.0', '2.0.0'],
        ['2.0.0', '2.1.0'],
        ['2.1.0', '2.2.0'],
      ],
    )
    assert.deepEqual(
      applied.map((r) => r.to.image),
      plan.hops.map((h) => h.image),
    )
    // Accessories: each hop did to each accessory what the plan said (cache created on the first).
    assert.deepEqual(
      applied.map((r) => (r.accessories ?? []).map((a) => ({name: a.name, action: a.action}))),
      plan.hops.map((h) => h.accessories.actions),
    )
    assert.deepEqual(
      plan.hops.map((h) => h.accessories.actions),
      [[{name: 'cache', action: 'created'}], [{name: 'cache', action: 'unchanged'}], [{name: 'cache', action: 'unchanged'}]],
    )
    const record = (await world.record(APP))!
    assert.equal(record.inputs.currency, 'EUR', "the new input's default, as planned")
    assert.deepEqual(record.inputs, plan.hops.at(-1)!.inputs, 'the inputs planned are the ones recorded')
    // A snapshot before each hop whose plan said so, for the reason it gave.
    const snapshotted = (record.dataSnapshots ?? []).map((s) => s.beforeVersion).reverse()
    assert.deepEqual(
      snapshotted,
      plan.hops.filter((h) => h.snapshot).map((h) => h.version),
    )
    assert.ok(plan.hops.every((h) => h.snapshotTrigger === 'pre-update'))
    // One operation: the feed read once and the lock taken once for the whole path.
    assert.equal(world.feed.hits - feedBefore, 1, 'the feed is fetched once')
    assert.equal(world.locks - locksBefore, 1, 'the lock is taken once')
    await assertServing(world, '2.2.0')
  })

  it('with nothing newer the plan has no hops and the update is up to date', async () => {
    const check = await checkUpdate(world.engine, APP, {})
    assert.deepEqual(check.hops, [])
    const result = await updateAlongPath(world.engine, {app: APP})
    assert.deepEqual(
      result.results.map((r) => r.status),
      ['up-to-date'],
    )
  })
})

describe('one hop gathers each fact once', () => {
  let world: FakeWorld
  before(async () => {
    world = await installedShop()
    publish(world, ['1.1.0'])
  })
  after(() => world.close())

  it('reads the record, the recipe and the feed once each and takes the lock once', async () => {
    const before = {feed: world.feed.hits, record: world.store.reads, recipe: world.recipeReads, locks: world.locks}
    const result = await updateAlongPath(world.engine, {app: APP})
    assert.deepEqual(
      result.plan.hops.map((h) => h.version),
      ['1.1.0'],
    )
    assert.deepEqual(
      {
        feed: world.feed.hits - before.feed,
        record: world.store.reads - before.record,
        recipe: world.recipeReads - before.recipe,
        locks: world.locks - before.locks,
      },
      {feed: 1, record: 1, recipe: 1, locks: 1},
    )
    await assertServing(world, '1.1.0')
  })

  it('a new required input without a value: --check shows the blocker, and the update refuses that plan', async () => {
    const file = `${shopRecipe(world)}/recipe.yml`
    const {readFileSync, writeFileSync} = await import('node:fs')
    // The vendor's newer recipe asks for a mail server, which it renders into the app's env.
    const yaml = readFileSync(file, 'utf8')
      .replace('secrets:\n', '  - {name: mail_host, required: true}\nsecrets:\n')
      .replace('env:\n', "env:\n  MAIL: '{{inputs.mail_host}}'\n")
    writeFileSync(file, yaml)
    publish(world, ['1.2.0'])
    const check = await checkUpdate(world.engine, APP, {})
    assert.deepEqual(
      check.blockers.map((b) => b.code),
      ['MISSING_INPUT'],
    )
    const error = await failure(updateAlongPath(world.engine, {app: APP}))
    assert.equal(error.code, 'MISSING_INPUT')
    assert.match(error.message, /1\.2\.0 asks for the new required input\(s\) mail_host/)
    await assertServing(world, '1.1.0')
  })
})

describe('a hop with a snapshot reads the record once too', () => {
  let world: FakeWorld
  before(async () => {
    world = await installedShop({migrate: true, volume: true})
    publish(world, ['1.1.0'])
  })
  after(() => world.close())

  it('the snapshot and its ref in the record use the record the operation read', async () => {
    const before = {feed: world.feed.hits, record: world.store.reads, recipe: world.recipeReads, locks: world.locks}
    const result = await updateAlongPath(world.engine, {app: APP})
    assert.ok(result.plan.hops[0].snapshot, 'the plan snapshots before the migration')
    assert.deepEqual(
      {
        feed: world.feed.hits - before.feed,
        record: world.store.reads - before.record,
        recipe: world.recipeReads - before.recipe,
        locks: world.locks - before.locks,
      },
      {feed: 1, record: 1, recipe: 1, locks: 1},
    )
    const record = (await world.record(APP))!
    assert.deepEqual(
      record.dataSnapshots?.map((s) => [s.fromVersion, s.beforeVersion]),
      [['1.0.0', '1.1.0']],
    )
    await assertServing(world, '1.1.0')
  })
})

describe('a hop that fails stops the path where it is', () => {
  let world: FakeWorld
  before(async () => {
    world = await installedShop()
    publish(world, [release('2.0.0', {required: true}), release('3.0.0')])
  })
  after(() => world.close())

  it('hop 2 fails its health check: 2.0.0 serves and the error says so; the next run goes on from there', async () => {
    world.proxy.unhealthy('3.0.0')
    const error = await updateAlongPath(world.engine, {app: APP}).catch((e: unknown) => e)
    assert.ok(error instanceof HopFailedError)
    assert.equal(error.serving, '2.0.0')
    assert.match(error.message, /\(hop 2 of 2\) failed: .*2\.0\.0 is serving/)
    await assertServing(world, '2.0.0')
    world.proxy.healthy('3.0.0')
    const again = await updateAlongPath(world.engine, {app: APP})
    assert.deepEqual(
      again.plan.hops.map((h) => h.version),
      ['3.0.0'],
    )
    await assertServing(world, '3.0.0')
  })

  it("killed in the second hop: the first hop's release serves, and the next run goes on from there", async () => {
    publish(world, [release('3.1.0', {required: true}), release('3.2.0')])
    world.crashAt('start', 'after', 2)
    await world.crashed(updateAlongPath(world.engine, {app: APP}))
    assert.equal(await recoverIfInterrupted(world.engine, APP), true)
    await assertServing(world, '3.1.0')
    const again = await updateAlongPath(world.engine, {app: APP})
    assert.deepEqual(
      again.plan.hops.map((h) => h.version),
      ['3.2.0'],
    )
    await assertServing(world, '3.2.0')
  })

  it('a blocked plan (a release the path must pass through is gone) runs nothing', async () => {
    publish(world, [release('4.0.0'), release('5.0.0', {minimumFrom: '4.5.0'})])
    const calls = world.docker.calls.length
    const error = await failure(updateAlongPath(world.engine, {app: APP}))
    assert.equal(error.code, 'RELEASE_NOT_IN_FEED')
    assert.ok(world.docker.calls.slice(calls).every((c) => !/\.(create|start|stop|remove|pull)$/.test(c.point)))
    await assertServing(world, '3.2.0')
  })
})
