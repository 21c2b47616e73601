/**
 * A cluster app installed before each app had its own overlay (its services and accessory on the
 * cluster's shared one) moves to its own on its next update, on the fake engine's Swarm: the new
 * release on the app's overlay, the proxy there before the switch, the kept release and the
 * accessory moved once nothing serves on the shared overlay. The encryption probe here finds no
 * encrypted traffic, so the overlay is made unencrypted and the answer is remembered.
 */
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {assertServing} from '../testing/expect.js'
import type {FakeWorld} from '../testing/fake-engine.js'
import {APP, installShop, publish, shopWorld} from '../testing/shop.js'
import {uninstall} from '../lifecycle/uninstall.js'
import {update} from '../updates/update-path.js'
import {diagnose} from '../support/doctor.js'
import {ENCRYPTED_LABEL} from './overlay.js'
import {clusterStatus} from './status.js'

const SHARED = 'discode-cluster'
const OWN = 'discode-cluster-shop'

describe("an older cluster install moves to the app's own overlay on its next update", () => {
  let world: FakeWorld
  const swarm = () => world.docker.swarm
  const networksOf = (service: string) =>
    ((swarm().services.get(service)!.spec.TaskTemplate as {Networks: {Target: string}[]}).Networks ?? []).map((n) => n.Target)
  const index = (point: string, target: string, mark: number, detail = '') =>
    world.docker.calls.findIndex(
      (c, i) => i >= mark && c.point === point && c.target === target && JSON.stringify(c.detail ?? '').includes(detail),
    )

  before(async () => {
    const shop = await shopWorld(['1.0.0'], {cluster: 2, cache: true})
    world = shop.world
    world.docker.hookExits('encryption-probe', 1)
    await installShop(world, shop.recipe, undefined, true)
    // As an older discode left it: everything of the app on the shared overlay, no overlay of its own.
    const {cluster: settings, ...record} = (await world.record(APP))!
    await world.engine.store.write({...record, cluster: {...settings!, network: SHARED}})
    ;(swarm().services.get(record.current!.container)!.spec.TaskTemplate as {Networks: unknown}).Networks = [{Target: SHARED}]
    for (const name of [`${APP}-cache`, 'kamal-proxy']) {
      const container = world.docker.containers.get(name)!
      container.networks.delete(OWN)
      container.networks.add(SHARED)
    }
    world.docker.networks.delete(OWN)
  })
  after(() => world.close())

  const networkOf = async () => (await clusterStatus(world.engine)).apps.find((a) => a.app === APP)?.network
  const doctorSays = async () => (await diagnose(world.engine, {app: APP})).problems.filter((p) => p.id.startsWith('cluster-network'))

  it('before: cluster status and doctor say the app shares the overlay, and that its next update moves it', async () => {
    assert.deepEqual({...(await networkOf()), note: undefined}, {name: SHARED, encrypted: false, shared: true, note: undefined})
    const [problem] = await doctorSays()
    assert.equal(problem.id, 'cluster-network-shared')
    assert.equal(problem.fix, `discode update ${APP} (it moves to its own overlay with its next release)`)
  })

  it('the new release starts on the own overlay, the proxy joins it before the switch, the rest moves after', async () => {
    publish(world, ['1.1.0'])
    const old = (await world.record(APP))!.current!.container
    const mark = world.docker.calls.length
    await update(world.engine, {app: APP})
    const next = (await world.record(APP))!.current!.container
    assert.equal(world.docker.networks.get(OWN)?.driver, 'overlay')
    assert.deepEqual(networksOf(next), [OWN])
    const deploy = world.docker.calls.findIndex((c, i) => i >= mark && c.point === 'proxy.deploy')
    const proxyJoins = index('network.connect', OWN, mark, 'kamal-proxy')
    assert.ok(index('network.create', OWN, mark) < index('service.create', next, mark), 'the overlay exists before the service')
    assert.ok(proxyJoins >= 0 && proxyJoins < deploy, 'the proxy is on the overlay before the switch')
    assert.ok(index('network.connect', OWN, mark, `${APP}-cache`) < deploy, 'the accessory is reachable there before the switch')
    assert.ok(index('network.disconnect', SHARED, mark, `${APP}-cache`) > deploy, 'it leaves the shared one only after')
    assert.deepEqual(networksOf(old), [OWN], 'the kept release moved too (at 0 replicas), for a rollback')
    assert.deepEqual([...world.docker.containers.get(`${APP}-cache`)!.networks], [OWN])
    await assertServing(world, '1.1.0')
  })

  it('no encrypted traffic between nodes: the overlay is unencrypted, labelled so, and the answer remembered', async () => {
    assert.equal(world.docker.networks.get(OWN)!.labels[ENCRYPTED_LABEL], 'false')
    const remembered = JSON.parse(readFileSync(join(world.engine.settings.home, 'cluster-encryption.json'), 'utf8'))
    assert.equal(remembered.works, false)
    assert.match(remembered.reason, /ESP or AES-GCM/)
    assert.ok(![...swarm().services.keys()].some((s) => s.startsWith('discode-probe-')), 'the probe services are removed')
    assert.ok(![...world.docker.networks.keys()].some((n) => n.includes('-probe-')), 'and its network')
    const network = await networkOf()
    assert.equal(network?.name, OWN)
    assert.match(network!.note, /^discode-cluster-shop: unencrypted, because no answer between two nodes over an encrypted overlay/)
    assert.deepEqual(
      (await doctorSays()).map((p) => [p.id, p.message]),
      [['cluster-network-unencrypted', network!.note]],
    )
  })
  it("uninstall removes the app's overlay; the shared one stays for the proxy", async () => {
    const result = await uninstall(world.engine, {app: APP, purge: true})
    assert.deepEqual(result.network, {name: OWN, removed: true, usedBy: []})
    assert.equal(world.docker.networks.has(OWN), false)
    assert.equal(world.docker.networks.has(SHARED), true)
  })
})
