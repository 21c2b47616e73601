/**
 * install as gather -> plan -> apply on the fake engine (src/testing): one install gathers
 * the record, the recipe, the secrets and the feed once each and takes the lock once; the plan it returns
 * is what it did; a blocked plan (a missing input, a version not in the feed) writes and starts nothing;
 * the ownership claims use the record read under the lock, and a first install adopts nothing unlabelled.
 */
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import {after, before, describe, it} from 'node:test'

import {install} from './install.js'
import {assertServing, failure} from '../testing/expect.js'
import type {FakeWorld} from '../testing/fake-engine.js'
import {APP, shopWorld} from '../testing/shop.js'

describe('install: plan once, then apply', () => {
  let world: FakeWorld
  let recipe: string
  before(async () => ({world, recipe} = await shopWorld(['1.0.0', '1.1.0'], {cache: true, migrate: true})))
  after(() => world.close())

  const reads = () => ({
    record: world.store.reads,
    recipe: world.recipeReads,
    secrets: world.store.secretReads,
    feed: world.feed.hits,
    locks: world.locks,
  })
  const since = (before: ReturnType<typeof reads>) =>
    Object.fromEntries(Object.entries(reads()).map(([key, value]) => [key, value - before[key as keyof typeof before]]))

  it('a required input without a value blocks the plan: the feed is not read, nothing is written or started', async () => {
    const file = `${recipe}/recipe.yml`
    const yaml = readFileSync(file, 'utf8')
    writeFileSync(file, yaml.replace('secrets:\n', '  - {name: mail_host, required: true}\nsecrets:\n'))
    const before = reads()
    const calls = world.docker.calls.length
    const error = await failure(install(world.engine, {app: APP, recipe, set: {}}))
    writeFileSync(file, yaml)
    assert.equal(error.code, 'MISSING_INPUT')
    assert.match(error.hint ?? '', /--set mail_host=\.\.\./)
    assert.equal(since(before).feed, 0, 'the feed is not read')
    assert.equal(await world.record(APP), undefined, 'no record')
    assert.ok(world.docker.calls.slice(calls).every((c) => /\.(inspect|list)$/.test(c.point)))
  })

  it('a version not in the feed blocks the plan before anything is written', async () => {
    const error = await failure(install(world.engine, {app: APP, recipe, set: {}, version: '0.9.0'}))
    assert.equal(error.code, 'VERSION_NOT_IN_FEED')
    assert.equal(await world.record(APP), undefined)
  })

  it('gathers the record, recipe, secrets and feed once each, takes the lock once, and does what the plan says', async () => {
    const before = reads()
    const result = await install(world.engine, {app: APP, recipe, set: {}})
    // The record: op.record once; the ownership claims (accessory, release container) take it from
    // the op (as it stood when the lock was taken: no serving release, nothing unlabelled is adopted).
    assert.deepEqual(since(before), {record: 1, recipe: 1, secrets: 1, feed: 1, locks: 1})
    const {plan} = result
    assert.deepEqual(plan.release?.version, '1.1.0', 'the newest stable release, chosen from the feed read once')
    assert.deepEqual(plan.inputs, [{name: 'hostname', source: 'default'}])
    assert.deepEqual(plan.hooks, {preSwitch: ['migrate'], postSwitch: []})
    assert.deepEqual(plan.accessories.actions, [{name: 'cache', action: 'created'}])
    assert.deepEqual(plan.blockers, [])
    assert.deepEqual(
      (result.accessories ?? []).map((a) => ({name: a.name, action: a.action})),
      plan.accessories.actions,
    )
    assert.equal(result.to.image, plan.release?.image)
    assert.equal((await world.record(APP))!.inputs.hostname, 'shop.localhost')
    await assertServing(world, '1.1.0')
  })

  it('installing it again is refused (already installed)', async () => {
    const error = await failure(install(world.engine, {app: APP, recipe, set: {}}))
    assert.equal(error.code, 'ALREADY_INSTALLED')
  })
})

describe('install: the claims judge by the record read under the lock', () => {
  let world: FakeWorld
  let recipe: string
  before(async () => ({world, recipe} = await shopWorld(['1.0.0'], {volume: true})))
  after(() => world.close())

  it("an unlabelled volume under the app's name is not adopted by a first install (the attacker's stays theirs)", async () => {
    world.docker.volumes.set(`${APP}-data`, {labels: {}, data: Buffer.from('planted')})
    const error = await failure(install(world.engine, {app: APP, recipe, set: {}}))
    assert.equal(error.code, 'NAME_TAKEN')
    const volume = world.docker.volumes.get(`${APP}-data`)!
    assert.deepEqual(volume.labels, {}, "not labelled as the app's")
    assert.equal(volume.data.toString(), 'planted')
    assert.equal((await world.record(APP))?.current, undefined, 'nothing serves')
  })
})
