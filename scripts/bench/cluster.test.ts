import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {placementOf, standRepository} from './cluster.js'

describe('cluster phase helpers', () => {
  it("names the bench's image by the registry the stand's nodes pull from", () => {
    assert.equal(
      standRepository('127.0.0.1:5000/discode-test/keepalive-app', '10.250.0.1:5000'),
      '10.250.0.1:5000/discode-test/keepalive-app',
    )
  })

  it("reads one app's replicas per node out of cluster status, empty when it is not there", () => {
    const status: {apps: {app: string; nodes: Record<string, number>}[]} = {
      apps: [
        {app: 'other', nodes: {swnode1: 3}},
        {app: 'bench', nodes: {swnode1: 1, swnode2: 1, swnode3: 1}},
      ],
    }
    assert.deepEqual(placementOf(status, 'bench'), {swnode1: 1, swnode2: 1, swnode3: 1})
    assert.deepEqual(placementOf(status, 'gone'), {})
    assert.deepEqual(placementOf(undefined, 'bench'), {})
  })
})
