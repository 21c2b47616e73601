import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {appNetworkName, type NetworkFacts, planNetworkMove} from './network-plan.js'

const NET = 'discode.shop'
const SHARED = 'discode'
const facts = (over: Partial<NetworkFacts>): NetworkFacts => ({
  network: NET,
  exists: true,
  shared: SHARED,
  proxy: {name: 'kamal-proxy', networks: [SHARED, NET]},
  containers: [],
  ...over,
})
const c = (name: string, running: boolean, networks: string[], accessory = false) => ({name, running, networks, accessory})

describe('appNetworkName', () => {
  it('cannot be another app’s: app names hold no dot', () => {
    assert.equal(appNetworkName('discode', 'shop'), 'discode.shop')
    assert.notEqual(appNetworkName('discode', 'shop-blog'), appNetworkName('discode-shop', 'blog'))
  })
})

describe('planNetworkMove', () => {
  it('does nothing when the app, its accessories and the proxy are on the app network alone', () => {
    const plan = planNetworkMove(
      facts({containers: [c('shop-k1', true, [NET]), c('shop-db', true, [NET], true), c('shop-k0', false, [NET])]}),
    )
    assert.deepEqual(plan, {actions: [], pending: []})
  })

  it('a fresh install: creates the network and attaches the proxy', () => {
    const plan = planNetworkMove(facts({exists: false, proxy: {name: 'kamal-proxy', networks: [SHARED]}}))
    assert.deepEqual(plan.actions, [
      {do: 'create', network: NET},
      {do: 'connect', network: NET, container: 'kamal-proxy'},
    ])
  })

  it('an older install: the serving release stays, the accessories join the app network and stay on the shared one, a kept release moves', () => {
    const plan = planNetworkMove(
      facts({
        exists: false,
        proxy: {name: 'kamal-proxy', networks: [SHARED]},
        containers: [c('shop-k2', true, [SHARED]), c('shop-db', true, [SHARED], true), c('shop-k1', false, [SHARED])],
      }),
    )
    assert.deepEqual(plan.pending, ['shop-k2'])
    assert.deepEqual(plan.actions, [
      {do: 'create', network: NET},
      {do: 'connect', network: NET, container: 'kamal-proxy'},
      {do: 'connect', network: NET, container: 'shop-db', alias: 'shop-db'},
      {do: 'connect', network: NET, container: 'shop-k1'},
      {do: 'disconnect', network: SHARED, container: 'shop-k1'},
    ])
  })

  it('once the old release is retired (stopped), it and the accessories leave the shared network', () => {
    const plan = planNetworkMove(
      facts({containers: [c('shop-k3', true, [NET]), c('shop-db', true, [SHARED, NET], true), c('shop-k2', false, [SHARED])]}),
    )
    assert.deepEqual(plan.pending, [])
    assert.deepEqual(plan.actions, [
      {do: 'disconnect', network: SHARED, container: 'shop-db'},
      {do: 'connect', network: NET, container: 'shop-k2'},
      {do: 'disconnect', network: SHARED, container: 'shop-k2'},
    ])
  })

  it('a move interrupted half way is finished from what Docker shows (the same plan, run again)', () => {
    // Killed after connecting the kept release, before disconnecting it.
    const plan = planNetworkMove(facts({containers: [c('shop-k3', true, [NET]), c('shop-k2', false, [SHARED, NET])]}))
    assert.deepEqual(plan.actions, [{do: 'disconnect', network: SHARED, container: 'shop-k2'}])
  })

  it('keeps the accessories on the shared network while a release there still runs (a pause-strategy revert)', () => {
    const plan = planNetworkMove(facts({containers: [c('shop-k2', true, [SHARED]), c('shop-db', true, [SHARED, NET], true)]}))
    assert.deepEqual(plan, {actions: [], pending: ['shop-k2']})
  })

  it('attaches no proxy that does not exist, and never moves anything when the app network is the shared one', () => {
    assert.deepEqual(planNetworkMove(facts({exists: false, proxy: undefined})).actions, [{do: 'create', network: NET}])
    const same = planNetworkMove(facts({network: SHARED, containers: [c('shop-k1', true, [SHARED]), c('shop-db', true, [SHARED], true)]}))
    assert.deepEqual(same, {actions: [], pending: []})
  })
})
