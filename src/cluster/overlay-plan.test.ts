import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {planNetworkMove} from '../lifecycle/network-plan.js'
import {clusterAppNetwork, encryptionChoice, overlayNote, probeVerdict, serviceNetworksAfter, serviceUnits} from './overlay-plan.js'

describe('each cluster app on its own overlay', () => {
  it('names the overlay like the single-host network, over the cluster base network', () => {
    assert.equal(clusterAppNetwork({network: 'discode'}, 'shop'), 'discode-cluster-shop')
    assert.notEqual(clusterAppNetwork({network: 'discode'}, 'shop'), clusterAppNetwork({network: 'discode'}, 'blog'))
  })

  it('reads services as release units: 0 replicas is stopped, jobs are left out, ids become names', () => {
    const units = serviceUnits(
      [
        {name: 'shop-a', replicas: 3, networkIds: ['id-shared']},
        {name: 'shop-b', replicas: 0, networkIds: ['id-shared']},
        {name: 'shop-hook-1', networkIds: ['id-app']},
      ],
      {'id-shared': 'discode-cluster', 'id-app': 'discode-cluster-shop'},
    )
    assert.deepEqual(units, [
      {name: 'shop-a', accessory: false, running: true, networks: ['discode-cluster']},
      {name: 'shop-b', accessory: false, running: false, networks: ['discode-cluster']},
    ])
  })

  it('an older install moves with the one planner: the serving service stays, the kept one moves, the db waits', () => {
    const plan = planNetworkMove({
      network: 'discode-cluster-shop',
      exists: false,
      shared: 'discode-cluster',
      proxy: {name: 'kamal-proxy', networks: ['discode-cluster']},
      containers: [
        {name: 'shop-db', accessory: true, running: true, networks: ['discode-cluster']},
        ...serviceUnits(
          [
            {name: 'shop-a', replicas: 3, networkIds: ['s']},
            {name: 'shop-b', replicas: 0, networkIds: ['s']},
          ],
          {s: 'discode-cluster'},
        ),
      ],
    })
    assert.deepEqual(plan.pending, ['shop-a'])
    assert.deepEqual(plan.actions, [
      {do: 'create', network: 'discode-cluster-shop'},
      {do: 'connect', network: 'discode-cluster-shop', container: 'kamal-proxy'},
      {do: 'connect', network: 'discode-cluster-shop', container: 'shop-db', alias: 'shop-db'},
      {do: 'connect', network: 'discode-cluster-shop', container: 'shop-b'},
      {do: 'disconnect', network: 'discode-cluster', container: 'shop-b'},
    ])
  })

  it("changes a service's networks by name or id, keeping the others", () => {
    const now = [{Target: 'id-shared'}, {Target: 'id-other'}]
    const added = serviceNetworksAfter(now, {do: 'connect', network: 'discode-cluster-shop', id: 'id-app'})
    assert.deepEqual(added, [...now, {Target: 'discode-cluster-shop'}])
    assert.deepEqual(serviceNetworksAfter(added, {do: 'disconnect', network: 'discode-cluster', id: 'id-shared'}), [
      {Target: 'id-other'},
      {Target: 'discode-cluster-shop'},
    ])
  })

  it('encrypts only where the probe saw encrypted traffic flow on this swarm', () => {
    const at = '2026-01-01T00:00:00Z'
    assert.deepEqual(encryptionChoice({swarm: 's1', works: true, checkedAt: at}, 's1'), {encrypted: true})
    assert.deepEqual(encryptionChoice({swarm: 's1', works: false, reason: 'no ESP', checkedAt: at}, 's1'), {
      encrypted: false,
      reason: 'no ESP',
    })
    assert.equal(encryptionChoice({swarm: 's1', works: true, checkedAt: at}, 's2').encrypted, false, 'another swarm is not known')
    assert.equal(encryptionChoice(undefined, 's1').encrypted, false)
  })

  it("judges the probe: the client's exit 0 works; a timeout or failure does not; no server is inconclusive", () => {
    assert.deepEqual(probeVerdict({done: true, exitCode: 0}, {running: true}), {works: true, conclusive: true})
    const dropped = probeVerdict({done: true, exitCode: 1}, {running: true})
    assert.equal(dropped.works, false)
    assert.equal(dropped.conclusive, true)
    assert.match(dropped.reason!, /ESP or AES-GCM/)
    assert.deepEqual(probeVerdict({done: false}, {running: true}), dropped)
    const noServer = probeVerdict({done: false}, {running: false, reason: 'No such image: busybox:1.36'})
    assert.equal(noServer.conclusive, false)
    assert.match(noServer.reason!, /could not run \(No such image: busybox:1\.36\)/)
  })

  it('says plainly when an overlay is not encrypted, and why', () => {
    assert.equal(overlayNote('discode-cluster-shop', true), 'discode-cluster-shop: encrypted')
    assert.equal(overlayNote('discode-cluster-shop', false, 'no ESP'), 'discode-cluster-shop: unencrypted, because no ESP')
  })
})
