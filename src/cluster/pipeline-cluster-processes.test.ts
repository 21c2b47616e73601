/**
 * Recipe processes on a cluster (the fake engine's Swarm, src/testing): one service per
 * process and release, moved in the single-host order (processes/move.ts) through the runtime port.
 */
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import {scaleService} from '../docker/swarm.js'
import {recoverIfInterrupted} from '../lifecycle/reconcile.js'
import {rollback} from '../lifecycle/rollback.js'
import {status} from '../lifecycle/status.js'
import {assertServing, failure} from '../testing/expect.js'
import type {FakeWorld} from '../testing/fake-engine.js'
import {APP, installShop, publish, shopWorld, installedShop} from '../testing/shop.js'
import {uninstall} from '../lifecycle/uninstall.js'
import {update} from '../updates/update-path.js'
import {rebalance} from './rebalance.js'
import {clusterStatus} from './status.js'

const PROCESSES = [
  "worker: {command: bin/jobs --queue default, replicas: 2, env: {QUEUE: default}, stop: {signal: SIGTERM, timeout: 30s}, health: {command: 'test -f /tmp/ready'}}",
  'clock: {command: [bin/clock], singleton: true, health: {settle: 10ms}}',
]

describe('recipe processes on a cluster', () => {
  let world: FakeWorld
  const swarm = () => world.docker.swarm
  /** The app's process services with replicas, as `process@version×replicas`, sorted. */
  const services = (running = true) =>
    [...swarm().services.values()]
      .map((s) => ({
        labels: s.spec.Labels as Record<string, string>,
        replicas: swarm().replicas(s.name) ?? 0,
        running: swarm().running(s.name),
      }))
      .filter((s) => s.labels['discode.process'] && (running ? s.running > 0 : s.replicas === 0))
      .map((s) => `${s.labels['discode.process']}@${s.labels['discode.version']}×${running ? s.running : 0}`)
      .sort()
  const callAt = (point: string, target: string, from: number) =>
    world.docker.calls.findIndex((c, i) => i >= from && c.point === point && c.target === target)

  before(async () => {
    world = await installedShop({cluster: 2, processes: PROCESSES}, true)
  })
  after(() => world.close())

  it('install: a service per process beside the web, with its replicas, command, env and stop', async () => {
    await assertServing(world, '1.0.0')
    const current = (await world.record(APP))!.current!
    assert.deepEqual(current.processes, {clock: 1, worker: 2})
    assert.deepEqual(services(), ['clock@1.0.0×1', 'worker@1.0.0×2'])
    const worker = swarm().services.get(`${current.container}-worker`)!.spec as {TaskTemplate: {ContainerSpec: Record<string, unknown>}}
    assert.deepEqual(worker.TaskTemplate.ContainerSpec.Args, ['bin/jobs', '--queue', 'default'])
    assert.equal(worker.TaskTemplate.ContainerSpec.StopGracePeriod, 30e9)
    assert.ok((worker.TaskTemplate.ContainerSpec.Env as string[]).includes('QUEUE=default'))
    assert.deepEqual(world.docker.named(APP), [], 'no container: services only')
  })

  it('update: the web switches, the old clock goes to 0 before the new one, new workers run, then the old go to 0 (kept)', async () => {
    publish(world, ['1.1.0'])
    const old = (await world.record(APP))!.current!
    const mark = world.docker.calls.length
    await update(world.engine, {app: APP})
    await assertServing(world, '1.1.0')
    const next = (await world.record(APP))!.current!
    const switched = world.docker.calls.findIndex(
      (c, i) => i >= mark && c.point === 'proxy.deploy' && (c.detail as string[]).includes(`--target=${next.container}:80`),
    )
    const oldClockDown = callAt('service.update', `${old.container}-clock`, mark)
    const newClock = callAt('service.create', `${next.container}-clock`, mark)
    const newWorker = callAt('service.create', `${next.container}-worker`, mark)
    const oldWorkerDown = callAt('service.update', `${old.container}-worker`, mark)
    const oldWebDown = callAt('service.update', old.container, mark)
    assert.ok(switched > mark && switched < oldClockDown, 'the web switches first')
    assert.ok(oldClockDown < newClock, 'the singleton: the old one is scaled to 0 before the new one is created')
    assert.ok(newWorker < oldWorkerDown && oldWorkerDown < oldWebDown, 'new workers first, then the old ones, then the old web')
    assert.deepEqual(services(), ['clock@1.1.0×1', 'worker@1.1.0×2'])
    assert.deepEqual(services(false), ['clock@1.0.0×0', 'worker@1.0.0×0'], 'kept at 0 for a rollback')
    const steps = world.reporter.steps
    assert.deepEqual(steps.slice(steps.lastIndexOf('switch')), ['switch', 'processes-stop', 'processes', 'processes-retire', 'retire'])
  })

  it('status and cluster status show each process with its replicas and its stop', async () => {
    const [report] = await status(world.engine, {app: APP, checkUpdates: false})
    assert.deepEqual(
      report.processes?.map((p) => `${p.name} ${p.running}/${p.wanted}`),
      ['clock 1/1', 'worker 2/2'],
    )
    assert.deepEqual(
      report.processes?.map((p) => [p.name, p.stop]),
      [
        ['clock', {signal: 'SIGTERM', source: 'docker', timeout: 30}],
        ['worker', {signal: 'SIGTERM', source: 'recipe', timeout: 30}],
      ],
      "each process's stop, from its service's spec (the fake images name no STOPSIGNAL)",
    )
    const [app] = (await clusterStatus(world.engine)).apps
    const worker = app.processes?.find((p) => p.name === 'worker')
    assert.equal(worker?.running, 2)
    assert.equal(worker?.service, `${report.container}-worker`)
    assert.equal(
      Object.values(worker!.nodes).reduce((a, b) => a + b),
      2,
    )
  })

  it("rebalance respreads a process service left on one node, and leaves the even ones (the web's, the clock's) alone", async () => {
    const nodes = swarm().nodes
    swarm().nodes = ['node-1', 'node-2']
    try {
      const web = (await world.record(APP))!.current!.container
      const worker = swarm().services.get(`${web}-worker`)!
      for (const t of worker.tasks) t.NodeID = 'node-1'
      const mark = world.docker.calls.length
      const result = await rebalance(world.engine, APP)
      assert.equal(result.moved, false, 'the web is spread evenly')
      assert.deepEqual(
        result.processes.map((p) => [p.name, p.moved, p.nodes]),
        [
          ['clock', false, {'host-1': 1}],
          ['worker', true, {'host-1': 1, 'host-2': 1}],
        ],
      )
      assert.equal(callAt('service.update', web, mark), -1, "the web's service is not touched")
      assert.equal(callAt('service.update', `${web}-clock`, mark), -1)
      assert.equal(swarm().running(`${web}-worker`), 2)
    } finally {
      swarm().nodes = nodes
    }
  })

  it("reconcile: a process service removed behind discode's back is created again, one scaled down by hand scaled back; a healthy app is left alone", async () => {
    const web = (await world.record(APP))!.current!.container
    const repairs = async () => {
      const mark = world.reporter.steps.length
      const calls = world.docker.calls.length
      assert.equal((await update(world.engine, {app: APP})).status, 'up-to-date')
      const touched = world.docker.calls.slice(calls).filter((c) => c.point === 'service.create' || c.point === 'service.update')
      return {steps: world.reporter.steps.slice(mark), touched: touched.map((c) => `${c.point} ${c.target}`)}
    }
    const healthy = await repairs()
    assert.equal(healthy.steps.includes('processes-repair'), false, healthy.steps.join(' '))
    assert.deepEqual(healthy.touched, [], 'a healthy cluster app: no service created or scaled')

    swarm().services.delete(`${web}-worker`)
    const removed = await repairs()
    assert.ok(removed.steps.indexOf('processes-repair') > removed.steps.indexOf('reconcile'), removed.steps.join(' '))
    assert.deepEqual(removed.touched, [`service.create ${web}-worker`])
    assert.ok(world.reporter.warnings.includes(`Creating ${web}-worker again: it was gone`))
    assert.equal(swarm().replicas(`${web}-worker`), 2, "the recipe's replicas")
    assert.deepEqual(services(), ['clock@1.1.0×1', 'worker@1.1.0×2'])

    await scaleService(world.engine.docker, `${web}-worker`, 1)
    const scaled = await repairs()
    assert.deepEqual(scaled.touched, [`service.update ${web}-worker`])
    assert.ok(world.reporter.warnings.includes(`Scaling ${web}-worker back to 2 replicas: it ran 1`))
    assert.deepEqual(services(), ['clock@1.1.0×1', 'worker@1.1.0×2'])
    assert.deepEqual((await world.record(APP))!.current?.processes, {clock: 1, worker: 2})
  })

  it("a support bundle gets each process service's log beside the web's", async () => {
    const record = (await world.record(APP))!
    const files = await (await world.engine.runtimeFor(record)).supportFiles(world.engine, record, 50)
    const web = record.current!.container
    assert.deepEqual(
      files.map((f) => f.path),
      ['cluster.json', `logs/${web}.service.txt`, `logs/${web}-clock.service.txt`, `logs/${web}-worker.service.txt`],
    )
    assert.deepEqual(
      JSON.parse(files[0].content).replicas.processes.map((p: {name: string}) => p.name),
      ['clock', 'worker'],
    )
  })

  it('a worker that never becomes healthy: the web is switched back, the new services go, the old workers kept running', async () => {
    publish(world, ['1.2.0'])
    const old = (await world.record(APP))!.current!
    swarm().crashingNames.add('-worker')
    const mark = world.docker.calls.length
    try {
      const error = await failure(update(world.engine, {app: APP}))
      assert.equal(error.code, 'PROCESS_UNHEALTHY')
      assert.match(error.message, /^1\.2\.0 was not deployed: The process worker \(.*-worker\) did not become healthy/)
      assert.match(error.hint ?? '', /1\.1\.0 serves again and its processes kept running/)
    } finally {
      swarm().crashingNames.delete('-worker')
    }
    await assertServing(world, '1.1.0')
    assert.equal(callAt('service.update', `${old.container}-worker`, mark), -1, 'the old workers were never scaled down')
    assert.deepEqual(services(), ['clock@1.1.0×1', 'worker@1.1.0×2'], 'the old singleton runs again')
    const left = [...swarm().services.values()].filter((s) => (s.spec.Labels as Record<string, string>)['discode.version'] === '1.2.0')
    assert.deepEqual(
      left.map((s) => s.name),
      [],
      'the new web and process services are removed',
    )
  })

  let minor = 0
  for (const step of ['processes-stop', 'processes', 'processes-retire']) {
    for (const when of ['before', 'after'] as const) {
      it(`killed ${when} "${step}": the next command repairs, one clock and the workers run, the next update finishes`, async () => {
        const to = `1.3.${minor++}`
        publish(world, [to])
        world.crashAt(step, when)
        await world.crashed(update(world.engine, {app: APP}))
        assert.equal(await recoverIfInterrupted(world.engine, APP), true)
        await assertServing(world, to)
        const running = services()
        assert.equal(running.filter((p) => p.startsWith('clock@')).length, 1, `one scheduler: ${running}`)
        assert.ok(
          running.some((p) => p.startsWith('worker@') && p.endsWith('×2')),
          `the work goes on: ${running}`,
        )
        assert.equal((await update(world.engine, {app: APP})).status, 'up-to-date')
        assert.deepEqual(services(), [`clock@${to}×1`, `worker@${to}×2`])
      })
    }
  }

  it('rollback: the kept process services are scaled back up, the newer ones to 0', async () => {
    const from = (await world.record(APP))!.current!.version
    const result = await rollback(world.engine, {app: APP, data: 'keep'})
    await assertServing(world, result.to.version)
    assert.deepEqual(services(), [`clock@${result.to.version}×1`, `worker@${result.to.version}×2`])
    assert.ok(services(false).includes(`worker@${from}×0`))
  })

  it('uninstall removes every process service', async () => {
    await uninstall(world.engine, {app: APP, purge: false})
    assert.deepEqual(
      [...swarm().services.keys()].filter((s) => s.startsWith(`${APP}-`)),
      [],
    )
  })
})

describe('recipe processes on a cluster, with local volumes', () => {
  it('a process of several replicas is refused before any service is created', async () => {
    const {world, recipe} = await shopWorld(['1.0.0'], {cluster: 1, volume: true, processes: PROCESSES})
    try {
      const error = await failure(installShop(world, recipe, undefined, true))
      assert.equal(error.code, 'CLUSTER_VOLUMES')
      assert.match(error.message, /its process worker would run 2 replicas/)
      assert.equal(world.docker.count('service.create'), 0)
    } finally {
      await world.close()
    }
  })
})
