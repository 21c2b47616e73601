/**
 * `discode restore` on the fake engine (src/testing): its operation gathers the record, the
 * recipe and the secrets once under the lock (the check before the lock reads the record and recipe
 * once more, as it must: nothing is locked yet), takes the lock once and brings the data back.
 */
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import type {FakeWorld} from '../testing/fake-engine.js'
import {APP, publish, installedShop} from '../testing/shop.js'
import {update} from '../updates/update-path.js'
import {restoreSnapshot} from './restore.js'

const VOLUME = `${APP}-data`

describe('discode restore: each fact read once under the lock', () => {
  let world: FakeWorld
  before(async () => {
    world = await installedShop({volume: true, migrate: true})
    world.docker.volumes.get(VOLUME)!.data = Buffer.from('v1')
    publish(world, ['1.1.0'])
    await update(world.engine, {app: APP})
    world.docker.volumes.get(VOLUME)!.data = Buffer.from('v2')
  })
  after(() => world.close())

  it('restores the pre-update snapshot, reading the record and recipe twice (check, then lock) and the secrets once', async () => {
    const snapshot = (await world.record(APP))!.dataSnapshots!.at(-1)!
    const before = {record: world.store.reads, recipe: world.recipeReads, secrets: world.store.secretReads, locks: world.locks}
    const result = await restoreSnapshot(world.engine, APP, snapshot.path)
    const read = {
      record: world.store.reads - before.record,
      recipe: world.recipeReads - before.recipe,
      secrets: world.store.secretReads - before.secrets,
      locks: world.locks - before.locks,
    }
    assert.equal(result.mode, 'apply')
    assert.equal(world.docker.volumes.get(VOLUME)!.data.toString(), 'v1')
    assert.deepEqual(read, {record: 2, recipe: 2, secrets: 1, locks: 1})
  })
})
