/**
 * The app's runtime is chosen in one place (src/runtimes.ts): nothing else in src/ branches on a
 * record's cluster settings, and a single-host app's reports and uninstall go through its runtime.
 */
import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import type {DiscodeError} from './errors.js'
import {containerRuntime, type OneHostWork} from './lifecycle/release-runtime.js'
import {status} from './lifecycle/status.js'
import type {FakeWorld} from './lifecycle/testing/fake-engine.js'
import {APP, installShop, shopWorld} from './lifecycle/testing/shop.js'
import {uninstall} from './lifecycle/uninstall.js'
import {runtimeFor} from './runtimes.js'

// The grep (`record`, any character, `cluster`; or `.cluster` and a closing parenthesis), built not to match this file.
const BRANCH = new RegExp('record' + '.cluster|\\.cluster\\)')

describe('the runtime choice', () => {
  it("no file in src/ but src/runtimes.ts branches on a record's cluster settings", () => {
    const src = join(import.meta.dirname)
    const found = readdirSync(src, {recursive: true, encoding: 'utf8'})
      .filter((file) => file.endsWith('.ts') && file !== 'runtimes.ts')
      .flatMap((file) =>
        readFileSync(join(src, file), 'utf8')
          .split('\n')
          .map((line, i) => `${file}:${i + 1}: ${line.trim()}`)
          .filter((line) => BRANCH.test(line.slice(line.indexOf(': ') + 2))),
      )
    assert.deepEqual(found, [])
    assert.ok(BRANCH.test(['if (record', 'cluster) return'].join('.')), 'the check sees a branch')
  })

  it('a record without cluster settings runs in containers; with them, in a cluster that refuses one-host work', async () => {
    assert.equal(await runtimeFor(undefined), containerRuntime)
    assert.equal(await runtimeFor({}), containerRuntime)
    const cluster = await runtimeFor({cluster: {replicas: 2, network: 'discode-cluster'}})
    assert.equal(cluster.onHostNetwork, false)
    const works: OneHostWork[] = [
      {what: 'exec'},
      {what: 'run'},
      {what: 'restore', snapshot: 's1', ref: 'latest'},
      {what: 'restore-data', snapshot: 's1'},
    ]
    for (const work of works) {
      containerRuntime.requireOneHost(APP, work)
      assert.throws(
        () => cluster.requireOneHost(APP, work),
        (error: DiscodeError) => error.code === 'CLUSTER_UNSUPPORTED' && Boolean(error.hint),
      )
    }
  })
})

describe('a single-host app through its runtime', () => {
  let world: FakeWorld
  before(async () => {
    const shop = await shopWorld(['1.0.0'])
    world = shop.world
    await installShop(world, shop.recipe)
  })
  after(() => world.close())

  it("status: the container's state, no replicas", async () => {
    const [report] = await status(world.engine, {app: APP, checkUpdates: false})
    assert.equal(report.state, 'running')
    assert.equal(report.health, 'serving')
    assert.equal(report.cluster, undefined)
    const record = (await world.record(APP))!
    assert.deepEqual(await containerRuntime.supportFiles(world.engine, record, 10), [])
  })

  it('uninstall: the containers go, no service is looked for', async () => {
    const container = (await world.record(APP))!.current!.container
    const result = await uninstall(world.engine, {app: APP, purge: false})
    assert.ok(result.containers.includes(container))
    assert.deepEqual(world.docker.named(APP), [])
    assert.ok(!world.docker.calls.some((c) => c.point.startsWith('service.')), 'no Swarm call')
  })
})
