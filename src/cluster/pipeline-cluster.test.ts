/**
 * A cluster app's releases on the fake engine's Swarm (src/testing): each release a service
 * the proxy targets by name, hooks as jobs, the old release scaled to 0 and kept for a rollback.
 */
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import type {Terminal} from '../docker/attach.js'
import {scaleService} from '../docker/swarm.js'
import {execInApp, runInApp} from '../lifecycle/one-off-commands.js'
import {recoverIfInterrupted} from '../lifecycle/reconcile.js'
import {rollback} from '../lifecycle/rollback.js'
import {status} from '../lifecycle/status.js'
import {assertServing, failure} from '../testing/expect.js'
import type {FakeWorld} from '../testing/fake-engine.js'
import {APP, publish, installedShop} from '../testing/shop.js'
import {uninstall} from '../lifecycle/uninstall.js'
import {update} from '../updates/update-path.js'
import {clusterStatus} from './status.js'

describe('the cluster runtime', () => {
  let world: FakeWorld
  const swarm = () => world.docker.swarm
  before(async () => {
    world = await installedShop({migrate: true, cluster: 2}, true)
  })
  after(() => world.close())

  it("install: the release is a service of 2 replicas on the app's own overlay network, routed by its name", async () => {
    const {cluster, current} = (await world.record(APP))!
    assert.deepEqual(cluster, {replicas: 2, network: 'discode-cluster-shop'})
    assert.equal(world.docker.networks.get('discode-cluster-shop')?.driver, 'overlay')
    assert.deepEqual((swarm().services.get(current!.container)!.spec.TaskTemplate as {Networks: unknown}).Networks, [
      {Target: 'discode-cluster-shop'},
    ])
    assert.ok(world.docker.containers.get('kamal-proxy')?.networks.has('discode-cluster-shop'), "the proxy joined the app's overlay")
    assert.equal(
      world.docker.networks.get('discode-cluster-shop')?.labels['discode.encrypted'],
      'true',
      'the probe saw encrypted traffic flow',
    )
    assert.deepEqual(world.docker.named(APP), [], 'no container: services only')
    await assertServing(world, '1.0.0')
  })

  it('update: new service beside the old, the hook as a job, the switch, the old scaled to 0 and kept', async () => {
    publish(world, ['1.1.0'])
    const old = (await world.record(APP))!.current!.container
    const mark = world.docker.calls.length
    await update(world.engine, {app: APP})
    const next = (await world.record(APP))!.current!.container
    const at = (point: string, target: string) =>
      world.docker.calls.findIndex((c, i) => i >= mark && c.point === point && c.target.includes(target))
    const job = world.docker.calls.findIndex((c, i) => i >= mark && c.point === 'service.create' && c.target.startsWith(`${APP}-hook-`))
    const deploy = world.docker.calls.findIndex(
      (c, i) => i >= mark && c.point === 'proxy.deploy' && (c.detail as string[]).includes(`--target=${next}:80`),
    )
    assert.ok(at('service.create', next) < job && job < deploy, 'service, then the hook job, then the switch')
    assert.ok(deploy < at('service.update', old), 'the old service is scaled down only after the switch')
    assert.equal(swarm().replicas(old), 0)
    assert.ok(swarm().services.has(old), 'kept for a rollback')
    assert.ok(![...swarm().services.keys()].some((s) => s.startsWith(`${APP}-hook-`)), 'the job service is removed')
    await assertServing(world, '1.1.0')
  })

  it('a failed health check: the new service is removed, the old keeps its replicas', async () => {
    publish(world, ['1.2.0'])
    world.proxy.unhealthy('1.2.0')
    const services = [...swarm().services.keys()].sort()
    const error = await failure(update(world.engine, {app: APP}))
    assert.match(error.message, /target failed to become healthy/)
    assert.deepEqual([...swarm().services.keys()].sort(), services)
    await assertServing(world, '1.1.0')
    world.proxy.healthy('1.2.0')
  })

  it('replicas that crash at start: refused before the switch, reported as the crash', async () => {
    swarm().crashing.add('1.2.0')
    const error = await failure(update(world.engine, {app: APP}))
    assert.equal(error.code, 'REPLICAS_FAILED')
    assert.match(error.message, /could not start its replicas/)
    await assertServing(world, '1.1.0')
    swarm().crashing.delete('1.2.0')
  })

  it("replicas that run, then crash while the proxy checks them: reported as the crash, not the proxy's symptom", async () => {
    swarm().crashingLater.add('1.2.0')
    const error = await failure(update(world.engine, {app: APP}))
    assert.equal(error.code, 'REPLICAS_FAILED')
    assert.match(error.message, /could not start its replicas: task: non-zero exit \(3\) \(exit 3\)/)
    assert.ok(world.docker.count('proxy.deploy') > 0, 'the crash came after the replicas ran, while the proxy checked them')
    await assertServing(world, '1.1.0')
    swarm().crashingLater.delete('1.2.0')
  })

  it('killed after the switch: status adopts the new service and scales the old to 0', async () => {
    world.crashAt('switch', 'after')
    await world.crashed(update(world.engine, {app: APP}))
    assert.equal(await recoverIfInterrupted(world.engine, APP), true)
    await assertServing(world, '1.2.0')
  })

  it('rollback: the kept service is scaled back up and takes the traffic, the other goes to 0', async () => {
    const result = await rollback(world.engine, {app: APP, data: 'keep'})
    assert.equal(result.to.version, '1.1.0')
    assert.equal(swarm().replicas(result.from!.container), 0)
    await assertServing(world, '1.1.0')
  })

  it('status: the serving service and its replicas per node, through the runtime', async () => {
    const [report] = await status(world.engine, {app: APP, checkUpdates: false})
    const service = (await world.record(APP))!.current!.container
    assert.equal(report.state, 'running')
    assert.equal(report.health, 'serving')
    assert.equal(report.stop, undefined, 'no container to inspect')
    assert.deepEqual(
      {...report.cluster, nodes: undefined},
      {
        app: APP,
        service,
        version: '1.1.0',
        wanted: 2,
        running: 2,
        nodes: undefined,
        uneven: false,
        network: {name: 'discode-cluster-shop', encrypted: true, shared: false, note: 'discode-cluster-shop: encrypted'},
      },
    )
    assert.deepEqual(
      Object.values(report.cluster!.nodes).reduce((a, b) => a + b),
      2,
    )
    assert.deepEqual((await clusterStatus(world.engine)).apps, [report.cluster])
    await scaleService(world.engine.docker, service, 0)
    const [down] = await status(world.engine, {app: APP, checkUpdates: false})
    assert.equal(down.state, 'missing')
    assert.equal(down.cluster?.running, 0)
    await scaleService(world.engine.docker, service, 2)
  })

  it("a support bundle gets the runtime's files: replicas, tasks and the service log", async () => {
    const record = (await world.record(APP))!
    const files = await (await world.engine.runtimeFor(record)).supportFiles(world.engine, record, 50)
    assert.deepEqual(
      files.map((f) => f.path),
      ['cluster.json', `logs/${record.current!.container}.service.txt`],
    )
    assert.equal(JSON.parse(files[0].content).replicas.running, 2)
    assert.match(files[1].content, /1\.1\.0 listening/)
  })

  it('exec and run are refused: one host only', async () => {
    const terminal = {} as Terminal
    for (const refused of [
      execInApp(world.engine, {app: APP, cmd: ['sh'], terminal}),
      runInApp(world.engine, {app: APP, args: ['sh'], terminal}),
    ]) {
      const error = await failure(refused)
      assert.equal(error.code, 'CLUSTER_UNSUPPORTED')
      assert.match(error.hint!, /one of its replicas/)
    }
  })

  it('uninstall: the route and every service go, the data kept', async () => {
    const result = await uninstall(world.engine, {app: APP, purge: false})
    assert.deepEqual(result.containers, [], 'no container: services only')
    assert.deepEqual(
      [...swarm().services.keys()].filter((s) => s.startsWith(`${APP}-`)),
      [],
    )
    assert.equal(world.proxy.routes.get(APP), undefined)
    assert.equal((await world.record(APP))?.current, undefined)
  })
})
