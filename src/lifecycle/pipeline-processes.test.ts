/**
 * Recipe processes (workers, a singleton scheduler) through install, update, a worker that never
 * becomes healthy, a crash between steps, rollback and prune, on the fake engine (src/testing).
 */
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import {releaseKey} from '../names/names.js'
import {recoverIfInterrupted} from './reconcile.js'
import {rollback} from './rollback.js'
import {status} from './status.js'
import {assertServing, deployOf, failure} from '../testing/expect.js'
import type {FakeWorld} from '../testing/fake-engine.js'
import {APP, installShop, publish, shopImage, shopWorld, installedShop} from '../testing/shop.js'
import {update} from '../updates/update-path.js'

const PROCESSES = [
  "worker: {command: bin/jobs --queue default, replicas: 2, env: {QUEUE: default}, stop: {signal: SIGTERM, timeout: 30s}, health: {command: 'test -f /tmp/ready', timeout: 500ms}}",
  'clock: {command: [bin/clock], singleton: true, health: {settle: 10ms}}',
]

/** The app's process containers in a state, as `process@version`, sorted. */
function processes(world: FakeWorld, state = 'running'): string[] {
  return world.docker
    .named(APP, state)
    .map((name) => world.docker.containers.get(name)!.labels)
    .filter((labels) => labels['discode.process'])
    .map((labels) => `${labels['discode.process']}@${labels['discode.version']}`)
    .sort()
}

const callAt = (world: FakeWorld, point: string, target: RegExp, from = 0) =>
  world.docker.calls.findIndex((c, i) => i >= from && c.point === point && target.test(c.target))

describe('recipe processes on one host', () => {
  let world: FakeWorld
  let recipe: string
  before(async () => ({world, recipe} = await shopWorld(['1.0.0'], {processes: PROCESSES})))
  after(() => world.close())

  it('install starts the processes after the web, with the web env, their command, stop and labels', async () => {
    const result = await installShop(world, recipe)
    assert.equal(result.to.version, '1.0.0')
    await assertServing(world, '1.0.0')
    assert.deepEqual(processes(world), ['clock@1.0.0', 'worker@1.0.0', 'worker@1.0.0'])
    const record = (await world.record(APP))!
    assert.deepEqual(record.current?.processes, {clock: 1, worker: 2})
    const worker = world.docker.containers.get(`${record.current!.container}-worker-2`)!
    assert.deepEqual(worker.cmd, ['bin/jobs', '--queue', 'default'])
    assert.ok(
      worker.env.some((e) => e.startsWith('SECRET_KEY_BASE=')),
      "the web's env and secrets",
    )
    assert.ok(worker.env.includes('QUEUE=default'), "the process's own env")
    assert.equal(worker.labels['discode.replica'], '2')
    assert.equal(worker.labels['discode.stop-source'], 'recipe')
    assert.ok(callAt(world, 'container.create', /-worker-1$/) > deployOf(world, record.current!.container), 'after the web switched')
  })

  it("status shows each process's stop: the recipe's signal and timeout, else the image's (here none: Docker's)", async () => {
    const [app] = await status(world.engine, {app: APP, checkUpdates: false})
    assert.deepEqual(
      app.processes?.map((p) => [p.name, p.stop]),
      [
        ['clock', {signal: 'SIGTERM', source: 'docker', timeout: 30}],
        ['worker', {signal: 'SIGTERM', source: 'recipe', timeout: 30}],
      ],
    )
    assert.deepEqual(app.stop, {signal: 'SIGTERM', source: 'docker', timeout: 10}, 'the web beside them')
  })

  it('update: web switched, old singleton stopped before the new one, new workers healthy, then old workers stopped', async () => {
    publish(world, ['1.1.0'])
    const mark = world.docker.calls.length
    await update(world.engine, {app: APP})
    await assertServing(world, '1.1.0')
    const next = (await world.record(APP))!.current!
    const old = (await world.record(APP))!.previous[0]
    const switched = deployOf(world, next.container)
    const oldClockStop = callAt(world, 'container.stop', new RegExp(`^${old.container}-clock-1$`), mark)
    const newClockStart = callAt(world, 'container.start', new RegExp(`^${next.container}-clock-1$`), mark)
    const newWorkerExec = callAt(world, 'container.exec', new RegExp(`^${next.container}-worker-2$`), mark)
    const oldWorkerStop = callAt(world, 'container.stop', new RegExp(`^${old.container}-worker-1$`), mark)
    const oldWebStop = callAt(world, 'container.stop', new RegExp(`^${old.container}$`), mark)
    assert.ok(switched > mark && switched < oldClockStop, 'the web switches first')
    assert.ok(oldClockStop < newClockStart, 'the singleton: the old one stops before the new one starts')
    assert.ok(newWorkerExec < oldWorkerStop, 'new workers health-checked before the old ones stop')
    assert.ok(oldWorkerStop < oldWebStop, 'then the old web retires')
    assert.deepEqual(processes(world), ['clock@1.1.0', 'worker@1.1.0', 'worker@1.1.0'])
    assert.deepEqual(processes(world, 'exited'), ['clock@1.0.0', 'worker@1.0.0', 'worker@1.0.0'], 'kept, stopped, for a rollback')
    const steps = world.reporter.steps
    assert.deepEqual(steps.slice(steps.lastIndexOf('switch')), ['switch', 'processes-stop', 'processes', 'processes-retire', 'retire'])
  })

  it('rollback moves the processes with the web: the kept ones start again, the newer ones stop', async () => {
    await rollback(world.engine, {app: APP})
    await assertServing(world, '1.0.0')
    assert.deepEqual(processes(world), ['clock@1.0.0', 'worker@1.0.0', 'worker@1.0.0'])
    assert.deepEqual(processes(world, 'exited'), ['clock@1.1.0', 'worker@1.1.0', 'worker@1.1.0'])
    assert.deepEqual((await world.record(APP))!.current?.processes, {clock: 1, worker: 2})
  })

  it('prune removes the process containers of a dropped release with it', async () => {
    for (const version of ['1.2.0', '1.3.0', '1.4.0']) {
      publish(world, [version])
      await update(world.engine, {app: APP})
    }
    await assertServing(world, '1.4.0')
    const kept = new Set(['1.4.0', '1.3.0', '1.2.0'])
    assert.deepEqual(
      [...processes(world), ...processes(world, 'exited')].filter((p) => !kept.has(p.split('@')[1])),
      [],
      'nothing of 1.0.0 and 1.1.0 is left',
    )
    assert.deepEqual(processes(world), ['clock@1.4.0', 'worker@1.4.0', 'worker@1.4.0'])
  })

  it("a worker removed behind discode's back: the next command's reconcile creates it again, the declared count runs", async () => {
    const current = (await world.record(APP))!.current!
    await world.docker.getContainer(`${current.container}-worker-2`).remove({force: true})
    const mark = world.reporter.steps.length
    const result = await update(world.engine, {app: APP})
    assert.equal(result.status, 'up-to-date')
    const steps = world.reporter.steps.slice(mark)
    assert.ok(steps.indexOf('processes-repair') > steps.indexOf('reconcile'), steps.join(' '))
    assert.equal(steps.includes('processes'), false, 'the repair did it, not the refresh after it')
    assert.ok(world.reporter.warnings.some((w) => w === `Creating ${current.container}-worker-2 again: it was gone`))
    assert.deepEqual(processes(world), ['clock@1.4.0', 'worker@1.4.0', 'worker@1.4.0'])
    const worker = world.docker.containers.get(`${current.container}-worker-2`)!
    assert.deepEqual(worker.cmd, ['bin/jobs', '--queue', 'default'])
    assert.equal(worker.labels['discode.replica'], '2')
    assert.deepEqual((await world.record(APP))!.current?.processes, {clock: 1, worker: 2})
  })
})

describe('recipe processes: failures and crashes', () => {
  let world: FakeWorld
  let minor = 0
  before(async () => {
    world = await installedShop({processes: PROCESSES})
  })
  after(() => world.close())

  it('a worker that never becomes healthy: the web is switched back, the new processes go, the old ones keep working', async () => {
    publish(world, ['1.0.1'])
    const key = releaseKey('1.0.1', world.docker.registry.get(shopImage('1.0.1'))!)
    world.docker.failAt('container.exec', {target: `${APP}-${key}-worker-`, times: 1000})
    const old = (await world.record(APP))!.current!
    const error = await failure(update(world.engine, {app: APP}))
    assert.equal(error.code, 'PROCESS_UNHEALTHY')
    assert.match(error.message, /^1\.0\.1 was not deployed: The process worker \(.*\) did not become healthy: not healthy within 1s/)
    assert.match(error.hint ?? '', /1\.0\.0 serves again and its processes kept running/)
    await assertServing(world, '1.0.0')
    assert.ok(deployOf(world, `${APP}-${key}`) >= 0, 'the web had switched')
    assert.deepEqual(processes(world), ['clock@1.0.0', 'worker@1.0.0', 'worker@1.0.0'], 'the old singleton started again')
    assert.equal(world.docker.count('container.stop', `${old.container}-worker-`), 0, 'the old workers were never stopped')
    assert.deepEqual(
      world.docker.named(APP).filter((name) => name.includes(key)),
      [],
      'the new web and processes are removed',
    )
  })

  for (const step of ['processes-stop', 'processes', 'processes-retire']) {
    for (const when of ['before', 'after'] as const) {
      it(`killed ${when} "${step}": one scheduler and the workers keep running, the next update finishes`, async () => {
        const to = `1.1.${minor++}`
        publish(world, [to])
        world.crashAt(step, when)
        await world.crashed(update(world.engine, {app: APP}))
        assert.equal(await recoverIfInterrupted(world.engine, APP), true)
        await assertServing(world, to)
        const running = processes(world)
        assert.equal(running.filter((p) => p.startsWith('clock@')).length, 1, `one scheduler: ${running}`)
        assert.ok(running.filter((p) => p.startsWith('worker@')).length >= 2, `the work goes on: ${running}`)
        const result = await update(world.engine, {app: APP})
        assert.equal(result.status, 'up-to-date')
        assert.deepEqual(processes(world), [`clock@${to}`, `worker@${to}`, `worker@${to}`])
        assert.deepEqual((await world.record(APP))!.current?.processes, {clock: 1, worker: 2})
      })
    }
  }
})

describe('recipe processes and the data', () => {
  let world: FakeWorld
  before(async () => {
    const shop = await shopWorld(['1.0.0', '1.1.0'], {processes: PROCESSES, volume: true, migrate: true, pauseBackups: true})
    world = shop.world
    await installShop(world, shop.recipe, '1.0.0')
  })
  after(() => world.close())

  it('a `consistency: pause` snapshot stops the processes for the copy and starts them again', async () => {
    await update(world.engine, {app: APP})
    const steps = world.reporter.steps
    const updating = steps.slice(steps.lastIndexOf('pull'), steps.lastIndexOf('start'))
    assert.deepEqual(
      updating.filter((s) => /^(processes-|snapshot)/.test(s)),
      ['snapshot', 'processes-pause', 'snapshot', 'processes-resume'],
      'stopped for the copy (the volume), then started again, before the new release starts',
    )
    await assertServing(world, '1.1.0')
    assert.deepEqual(processes(world), ['clock@1.1.0', 'worker@1.1.0', 'worker@1.1.0'])
  })

  it('rollback --restore-data: the processes stop before the restore and the kept release’s come back on its data', async () => {
    await rollback(world.engine, {app: APP, data: 'restore'})
    await assertServing(world, '1.0.0')
    assert.deepEqual(processes(world), ['clock@1.0.0', 'worker@1.0.0', 'worker@1.0.0'])
    assert.deepEqual(processes(world, 'exited'), [])
  })
})

describe('recipe processes with strategy: pause', () => {
  it('every process moves as a singleton: the old worker stops before the new one starts', async () => {
    const {world, recipe} = await shopWorld(['1.0.0', '1.1.0'], {processes: [PROCESSES[0]], strategy: 'pause'})
    try {
      await installShop(world, recipe, '1.0.0')
      const mark = world.docker.calls.length
      await update(world.engine, {app: APP})
      await assertServing(world, '1.1.0')
      const [old, next] = [(await world.record(APP))!.previous[0], (await world.record(APP))!.current!]
      const lastOldStop = Math.max(
        ...[1, 2].map((n) => callAt(world, 'container.stop', new RegExp(`^${old.container}-worker-${n}$`), mark)),
      )
      const firstNewStart = callAt(world, 'container.start', new RegExp(`^${next.container}-worker-`), mark)
      assert.ok(lastOldStop > mark && lastOldStop < firstNewStart, 'never two versions of the worker at once')
      assert.deepEqual(processes(world), ['worker@1.1.0', 'worker@1.1.0'])
    } finally {
      await world.close()
    }
  })
})
