import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {Recipe} from '../recipes/schema.js'
import {appContainerSpec, releaseLabels} from './container-spec.js'

describe('appContainerSpec', () => {
  it("runs the pulled image id with the recipe's env and the app's named volumes", () => {
    const recipe = {
      env: {A: '1'},
      volumes: [{name: 'data', path: '/data'}],
      init: true,
      stop: {signal: 'SIGQUIT', timeout: '1m30s'},
    } as unknown as Recipe
    const spec = appContainerSpec('net', 'shop', recipe, {imageId: 'sha256:abc'}, 'shop-123')
    assert.equal(spec.image, 'sha256:abc')
    assert.equal(spec.network, 'net')
    assert.deepEqual(spec.volumes, [{source: 'shop-data', target: '/data'}])
    assert.deepEqual(spec.env, {A: '1'})
    // Every later stop (retire, pause, uninstall) uses the recipe's signal and budget, in whole seconds.
    assert.equal(spec.init, true)
    assert.deepEqual(spec.stop, {signal: 'SIGQUIT', timeoutSeconds: 90})
  })

  it('labels name the app, version, release key and image, and nothing else', () => {
    assert.deepEqual(Object.keys(releaseLabels('shop', {version: '1.0.0', image: 'r/shop:1', key: 'k'})).sort(), [
      'discode.app',
      'discode.image',
      'discode.release',
      'discode.version',
    ])
  })
})
