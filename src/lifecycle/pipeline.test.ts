/**
 * The update pipeline against the fake Engine (src/testing): no Docker, the real lifecycle
 * code from install/update down to the dockerode calls and the kamal-proxy client's argv.
 */
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import {DiscodeError} from '../errors.js'
import {assertServing, deployOf, failure} from '../testing/expect.js'
import type {FakeWorld} from '../testing/fake-engine.js'
import {APP, installShop, publish, shopImage, shopWorld} from '../testing/shop.js'
import {update} from '../updates/update-path.js'

describe('install and a blue-green update on the fake engine', () => {
  let world: FakeWorld
  let recipe: string
  before(async () => ({world, recipe} = await shopWorld(['1.0.0'], {migrate: true, cache: true})))
  after(() => world.close())

  it('install boots the proxy, starts the accessory and the release, routes it and records it', async () => {
    const result = await installShop(world, recipe)
    assert.equal(result.to.version, '1.0.0')
    assert.deepEqual(
      result.accessories?.map((a) => [a.name, a.action]),
      [['cache', 'created']],
    )
    await assertServing(world, '1.0.0')
    assert.equal(world.docker.containers.get('kamal-proxy')?.state, 'running')
    assert.deepEqual(world.proxy.routes.get(APP)?.hosts, ['shop.localhost'])
    // An install runs the preSwitch hook (the first migration) but takes no snapshot: there is no data yet.
    assert.ok(world.reporter.steps.includes('hooks'))
    assert.ok(!world.reporter.steps.includes('snapshot'))
    assert.equal(world.journal(APP).at(-1)?.detail, 'ok')
  })

  it('an update pulls first, starts the new release beside the old, runs the hook, switches, records, then retires the old', async () => {
    publish(world, ['1.1.0'])
    const old = (await world.record(APP))!.current!.container
    const mark = world.docker.calls.length
    const result = await update(world.engine, {app: APP})
    assert.equal(result.status, 'updated')
    const record = (await world.record(APP))!
    const next = record.current!.container
    const calls = world.docker.calls.slice(mark)
    const at = (point: string, target: string) => mark + calls.findIndex((c) => c.point === point && c.target.includes(target))
    const pull = at('image.pull', shopImage('1.1.0'))
    const firstChange = calls.findIndex((c) => /^(container|service)\.(create|start|stop|remove|kill)$/.test(c.point))
    assert.ok(pull < mark + firstChange, 'the pull comes before anything is created, started or stopped')
    const started = at('container.start', next)
    const hook = calls.findIndex((c) => c.point === 'container.start' && c.target.startsWith(`${APP}-hook-`))
    const deploy = deployOf(world, next)
    assert.ok(started < mark + hook && mark + hook < deploy, 'new release started, then its preSwitch hook, then the switch')
    const stoppedOld = at('container.stop', old)
    assert.ok(deploy < stoppedOld, 'the old release is stopped only after the switch')
    assert.equal(world.docker.containers.get(old)?.state, 'exited', 'the old release is kept, stopped, for a rollback')
    assert.deepEqual(
      record.previous.map((r) => r.version),
      ['1.0.0'],
    )
    assert.equal(record.dataSnapshots?.[0]?.beforeVersion, '1.1.0', 'the data was saved before the migration')
    assert.deepEqual(world.reporter.steps.slice(-7), ['pull', 'snapshot', 'accessories', 'start', 'hooks', 'switch', 'retire'])
    await assertServing(world, '1.1.0')
  })

  it('prune keeps the two newest previous releases, their containers and images', async () => {
    for (const version of ['1.2.0', '1.3.0']) {
      publish(world, [version])
      await update(world.engine, {app: APP})
    }
    const record = (await world.record(APP))!
    assert.deepEqual(
      record.previous.map((r) => r.version),
      ['1.2.0', '1.1.0'],
    )
    const versions = world.docker
      .named(APP)
      .map((name) => world.docker.containers.get(name)!.labels['discode.version'])
      .filter(Boolean)
    assert.deepEqual(versions.sort(), ['1.1.0', '1.2.0', '1.3.0'])
    assert.equal(world.docker.image(shopImage('1.0.0')), undefined, "the dropped release's image is removed")
    await assertServing(world, '1.3.0')
  })

  it('with nothing newer, update changes nothing and says up to date', async () => {
    const containers = () => [...world.docker.containers.values()].map((c) => `${c.name} ${c.state}`).sort()
    const before = containers()
    const deploys = world.docker.count('proxy.deploy')
    const result = await update(world.engine, {app: APP})
    assert.equal(result.status, 'up-to-date')
    assert.deepEqual(containers(), before)
    assert.equal(world.docker.count('proxy.deploy'), deploys)
    await assertServing(world, '1.3.0')
  })
})

describe('an update that fails before the switch', () => {
  let world: FakeWorld
  let recipe: string
  before(async () => {
    ;({world, recipe} = await shopWorld(['1.0.0'], {migrate: true}))
    await installShop(world, recipe)
  })
  after(() => world.close())

  async function failedUpdate(version: string): Promise<DiscodeError> {
    publish(world, [version])
    const before = await world.record(APP)
    const error = await update(world.engine, {app: APP}).then(
      () => assert.fail('the update succeeded'),
      (e: unknown) => e as DiscodeError,
    )
    const after = (await world.record(APP))!
    assert.deepEqual(after.current, before!.current, 'the record still names the old release')
    assert.deepEqual(after.previous, before!.previous)
    assert.deepEqual(
      world.docker.named(APP).filter((n) => world.docker.containers.get(n)?.labels['discode.version'] === version),
      [],
      'the new container is removed',
    )
    await assertServing(world, '1.0.0')
    return error
  }

  it("a failed health check: the old release keeps serving with the proxy's own reason", async () => {
    world.proxy.unhealthy('1.1.0')
    const error = await failedUpdate('1.1.0')
    assert.match(error.message, /target failed to become healthy within configured timeout \(6s\)/)
    assert.match(error.hint ?? '', /1\.0\.0 keeps serving/)
    assert.match(error.hint ?? '', /1\.1\.0 listening on :80/, "the failed release's last log lines")
  })

  it('a failed preSwitch hook: no switch is tried, the old release keeps serving', async () => {
    world.docker.hookExits('migrate', 1, 'migration exploded\n')
    const deploys = world.docker.count('proxy.deploy')
    const error = await failedUpdate('1.2.0')
    assert.equal(error.code, 'HOOK_FAILED')
    assert.match(error.message, /preSwitch hook "migrate" failed \(exit 1\): migration exploded/)
    assert.equal(world.docker.count('proxy.deploy'), deploys, 'the proxy was never asked to switch')
    world.docker.hookResults.clear()
  })

  it('a failed start (Docker refuses): the created container is removed, its logs read first; the old release keeps serving', async () => {
    world.docker.failAt('container.start', {target: `${APP}-`})
    const mark = world.docker.calls.length
    const error = await failedUpdate('1.3.0')
    assert.match(error.message, /^1\.3\.0 was not deployed: .*injected failure at container.start/)
    assert.match(error.hint ?? '', /1\.0\.0 keeps serving/)
    const created = world.docker.calls.slice(mark).find((c) => c.point === 'container.start')!.target
    assert.deepEqual(
      world.docker.calls
        .slice(mark)
        .filter((c) => c.target === created)
        .map((c) => c.point)
        .slice(-2),
      ['container.logs', 'container.remove'],
      'the last log lines are read before the container goes',
    )
    await update(world.engine, {app: APP})
    await assertServing(world, '1.3.0')
  })

  it('a failed pull: nothing is created, stopped or snapshotted', async () => {
    const mark = world.docker.calls.length
    world.feed.releases.push({version: '1.4.0', image: shopImage('1.4.0')}) // listed, never pushed
    const error = await failure(update(world.engine, {app: APP}))
    assert.equal(error.code, 'PULL_FAILED')
    assert.ok(world.docker.calls.slice(mark).every((c) => !/^container\.(create|start|stop)$/.test(c.point)))
    assert.deepEqual(world.reporter.steps.slice(-2), ['feed', 'pull'], 'nothing after the pull: no snapshot, no start')
    await assertServing(world, '1.3.0')
  })
})
