/**
 * checkUpdate (`status`, doctor, support bundles): the feed read once through the shared readFeed,
 * the release chosen from it, read-only (no lock, no record written).
 */
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import {checkUpdate} from './check.js'
import type {FakeWorld} from '../testing/fake-engine.js'
import {APP, publish, installedShop} from '../testing/shop.js'

describe('checkUpdate', () => {
  let world: FakeWorld
  before(async () => {
    world = await installedShop()
  })
  after(() => world.close())

  it('up to date: nothing available, the feed read once', async () => {
    const hits = world.feed.hits
    const check = await checkUpdate(world.engine, APP)
    assert.deepEqual({current: check.current, available: check.available}, {current: '1.0.0', available: undefined})
    assert.equal(world.feed.hits - hits, 1)
  })

  it('a newer release published: it is available, --to picks one, and nothing is locked or written', async () => {
    publish(world, ['1.1.0', '1.2.0'])
    const locks = world.locks
    const record = JSON.stringify(await world.record(APP))
    assert.equal((await checkUpdate(world.engine, APP)).available?.version, '1.2.0')
    assert.equal((await checkUpdate(world.engine, APP, {to: '1.1.0'})).available?.version, '1.1.0')
    assert.equal(world.locks, locks)
    assert.equal(JSON.stringify(await world.record(APP)), record)
  })
})
