/**
 * `auto-update run` through the update pipeline on the fake engine (src/testing): the run
 * decides from the feed it read and the update plans from that same feed (one fetch, one lock).
 */
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import {assertServing} from '../testing/expect.js'
import type {FakeWorld} from '../testing/fake-engine.js'
import {APP, publish, installedShop} from '../testing/shop.js'
import {runAutoUpdates} from './auto-run.js'
import {writePolicy} from './policy-store.js'

describe('auto-update run', () => {
  let world: FakeWorld
  before(async () => {
    world = await installedShop()
    writePolicy(world.home, APP, {policy: 'minor', channel: 'stable'})
    publish(world, ['1.1.0', '2.0.0'])
  })
  after(() => world.close())

  it('takes the newest release its policy allows, reading the feed once and taking the lock once', async () => {
    const before = {feed: world.feed.hits, locks: world.locks}
    const notices: string[] = []
    const notify = async (n: {event: string; version?: string}) => (notices.push(`${n.event} ${n.version}`), [])
    const [report] = await runAutoUpdates(world.engine, {now: new Date(), notify})
    assert.equal(report.outcome, 'updated', report.reason)
    assert.equal(report.serving, '1.1.0')
    assert.deepEqual(notices.sort(), ['update-available 2.0.0', 'update-done 1.1.0'])
    assert.deepEqual({feed: world.feed.hits - before.feed, locks: world.locks - before.locks}, {feed: 1, locks: 1})
    await assertServing(world, '1.1.0')
  })

  it('leaves an app installed from a bundle alone, with the reason, without reading the feed', async () => {
    const record = (await world.engine.store.read(APP))!
    await world.engine.store.write({...record, feedTrust: {...record.feedTrust, bundle: true}})
    const hits = world.feed.hits
    const [report] = await runAutoUpdates(world.engine, {now: new Date(), notify: async () => []})
    assert.equal(report.outcome, 'nothing')
    assert.match(report.reason ?? '', /installed from a bundle.*--bundle FILE/)
    assert.equal(world.feed.hits, hits, 'the feed URL was not read')
    await assertServing(world, '1.1.0')
  })
})
