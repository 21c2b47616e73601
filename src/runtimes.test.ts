/**
 * The app's runtime is chosen in one place (src/runtimes.ts): nothing else in src/ branches on a
 * record's cluster settings, and a single-host app's reports and uninstall go through its runtime.
 */
import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import {dirname, join, normalize} from 'node:path'
import {after, before, describe, it} from 'node:test'

import type {DiscodeError} from './errors.js'
import {containerRuntime, type OneHostWork} from './lifecycle/release-runtime.js'
import {status} from './lifecycle/status.js'
import type {FakeWorld} from './testing/fake-engine.js'
import {APP, installedShop} from './testing/shop.js'
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
    assert.equal(cluster.proxyNetwork, 'discode-cluster')
    assert.equal(containerRuntime.proxyNetwork, undefined)
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

/** The src/ files `file` loads when it is imported (static value imports and re-exports; types and import() left out). */
function loaded(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen
  seen.add(file)
  const text = readFileSync(file, 'utf8')
  for (const [, what, spec] of text.matchAll(/^(?:import|export)\s+([\s\S]*?)\s*from\s+'(\.{1,2}\/[^']+)'/gm)) {
    const typesOnly = what.startsWith('type ') || (what.startsWith('{') && /^\{\s*(type\s+\w+\s*,?\s*)+\}$/.test(what))
    if (!typesOnly) loaded(normalize(join(dirname(file), spec.replace(/\.js$/, '.ts'))), seen)
  }
  return seen
}

describe('what choosing a runtime loads', () => {
  // proper-lockfile's exit handlers re-raise a signal once they are the only listeners left: loaded
  // after a command's own process.once(SIGINT/SIGTERM), they turn its clean exit into a death by signal.
  it('the single-host runtime, status, logs and run do not load the lock', () => {
    const src = import.meta.dirname
    const lock = join(src, 'lock', 'lock.ts')
    assert.ok(loaded(join(src, 'lifecycle', 'strategies', 'index.ts')).has(lock), 'the check sees the deploy code load it')
    for (const file of [
      'runtimes.ts',
      'lifecycle/release-runtime.ts',
      'lifecycle/status.ts',
      'lifecycle/one-off-commands.ts',
      'commands/logs.ts',
    ]) {
      assert.ok(!loaded(join(src, file)).has(lock), `${file} loads src/lock/lock.ts`)
    }
  })
})

describe('a single-host app through its runtime', () => {
  let world: FakeWorld
  before(async () => {
    world = await installedShop()
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
