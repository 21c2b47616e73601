import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {ContainerInfo} from '../../docker/docker.js'
import type {RecipeAccessory} from '../../recipes/schema.js'
import {planAccessories} from './plan.js'
import {accessoryHash} from './spec.js'

const db: RecipeAccessory = {
  image: 'db:16',
  env: {A: '1'},
  volumes: [{name: 'data', path: '/data'}],
  init: false,
  stop: {signal: 'SIGTERM', timeout: '30s'},
}
const container = (name: string, accessory: string, state: string, hash: string): ContainerInfo =>
  ({
    Names: [`/${name}`],
    State: state,
    Image: 'db:15',
    Labels: {'discode.app': 'shop', 'discode.accessory': accessory, 'discode.accessory-hash': hash},
  }) as unknown as ContainerInfo

describe('planAccessories', () => {
  it('creates a missing accessory', () => {
    assert.equal(planAccessories('shop', {db}, []).planned[0].action, 'create')
  })

  it('keeps a running one as declared and starts a stopped one', () => {
    assert.equal(planAccessories('shop', {db}, [container('shop-db', 'db', 'running', accessoryHash(db))]).planned[0].action, 'keep')
    assert.equal(planAccessories('shop', {db}, [container('shop-db', 'db', 'exited', accessoryHash(db))]).planned[0].action, 'start')
  })

  it('plans a replacement when the definition changed', () => {
    const {planned} = planAccessories('shop', {db}, [container('shop-db', 'db', 'running', 'old-hash')])
    assert.equal(planned[0].action, 'replace')
    assert.equal(planned[0].current?.Image, 'db:15')
  })

  it('restores the -previous container left by a replacement that died before its new container existed', () => {
    const {planned} = planAccessories('shop', {db}, [container('shop-db-previous', 'db', 'exited', accessoryHash(db))])
    assert.equal(planned[0].restoreFromPrevious, true)
    assert.equal(planned[0].action, 'start')
  })

  it('lists accessories the recipe no longer declares as orphans', () => {
    const {orphans} = planAccessories('shop', {db}, [
      container('shop-db', 'db', 'running', accessoryHash(db)),
      container('shop-cache', 'cache', 'running', 'h'),
    ])
    assert.deepEqual(
      orphans.map((o) => o.name),
      ['cache'],
    )
  })
})
