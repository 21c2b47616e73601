/**
 * A process killed at each step boundary (the journaled steps of src/lifecycle/operation.ts), then the
 * next command: `recoverIfInterrupted` (what status runs) must leave exactly the right release serving
 * and recorded, and the next update must finish the job. On the fake engine (src/testing).
 */
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import {recoverIfInterrupted} from './reconcile.js'
import {assertServing} from '../testing/expect.js'
import type {FakeWorld} from '../testing/fake-engine.js'
import {APP, installShop, publish, shopWorld, installedShop} from '../testing/shop.js'
import {update} from '../updates/update-path.js'

/** The steps of a blue-green update with a preSwitch hook, in order; the switch is where traffic moves. */
const UPDATE_STEPS = ['proxy', 'reconcile', 'feed', 'pull', 'snapshot', 'start', 'hooks', 'switch', 'retire', 'cleanup']

describe('an update killed at each step boundary, then recovered', () => {
  let world: FakeWorld
  let minor = 0
  before(async () => {
    world = await installedShop({migrate: true})
    // Two updates first, so that every later update prunes (the cleanup step runs).
    for (const version of ['1.0.1', '1.0.2']) {
      publish(world, [version])
      await update(world.engine, {app: APP})
    }
  })
  after(() => world.close())

  for (const step of UPDATE_STEPS) {
    for (const when of ['before', 'after'] as const) {
      it(`killed ${when} "${step}": status recovers, the next update finishes`, async () => {
        const from = (await world.record(APP))!.current!.version
        const to = `1.1.${minor++}`
        publish(world, [to])
        world.crashAt(step, when)
        await world.crashed(update(world.engine, {app: APP}))
        const journal = world.journal(APP)
        assert.equal(journal.at(-1)?.event, when === 'before' ? 'start' : 'done', 'the journal ends where the process died')
        assert.ok(!journal.some((e) => e.event === 'end'))

        assert.equal(await recoverIfInterrupted(world.engine, APP), true)
        // The switch decides: once the proxy moved to the new release, the record follows it.
        const switched = UPDATE_STEPS.indexOf(step) > UPDATE_STEPS.indexOf('switch') || (step === 'switch' && when === 'after')
        await assertServing(world, switched ? to : from)
        if (switched && step === 'switch') assert.ok(world.reporter.warnings.some((w) => w.includes('did not record it')))
        assert.equal(await recoverIfInterrupted(world.engine, APP), false, 'recovered once, nothing is left interrupted')
        await assertPruned('after the recovery')

        const result = await update(world.engine, {app: APP})
        assert.equal(result.status, switched ? 'up-to-date' : 'updated')
        await assertServing(world, to)
        await assertPruned('after the next update')
      })
    }
  }

  /**
   * What recovery (and every deploy) leaves: two previous releases at most, every one the record lists
   * still on the host (a rollback to it works), and no release container the record does not know.
   */
  async function assertPruned(when: string): Promise<void> {
    const record = (await world.record(APP))!
    assert.ok(record.previous.length <= 2, `${when}: ${record.previous.length} previous releases listed`)
    for (const release of record.previous) {
      const onHost = world.docker.containers.has(release.container) || world.docker.image(release.imageId) !== undefined
      assert.ok(onHost, `${when}: ${release.version} is listed but gone from the host`)
    }
    const releases = world.docker.named(APP).filter((n) => world.docker.containers.get(n)?.labels['discode.release'])
    const known = new Set([record.current!, ...record.previous].map((r) => r.container))
    assert.deepEqual(
      releases.filter((name) => !known.has(name)),
      [],
      `${when}: no leftover container`,
    )
  }

  it('after all of that, a deploy keeps two previous releases', async () => {
    publish(world, ['1.2.0'])
    await update(world.engine, {app: APP})
    const record = (await world.record(APP))!
    assert.equal(record.previous.length, 2)
    assert.equal(world.docker.named(APP).length, 3, 'the serving release and two kept ones')
    await assertServing(world, '1.2.0')
  })
})

describe('an install killed at each step boundary, then installed again', () => {
  for (const [step, when] of [
    ['start', 'before'],
    ['start', 'after'],
    ['hooks', 'after'],
    ['switch', 'before'],
    ['switch', 'after'],
  ] as const) {
    it(`killed ${when} "${step}": install again serves 1.0.0 with no leftover`, async () => {
      const {world, recipe} = await shopWorld(['1.0.0'], {migrate: true})
      try {
        world.crashAt(step, when)
        await world.crashed(installShop(world, recipe))
        await installShop(world, recipe)
        await assertServing(world, '1.0.0')
        assert.equal(world.docker.named(APP).length, 1, 'one container: the serving release')
      } finally {
        await world.close()
      }
    })
  }
})
