import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {PullProgressTracker} from './pull-progress.js'

describe('PullProgressTracker', () => {
  it('sums the bytes of all layers, counts a completed layer as whole, and passes the status on', () => {
    const tracker = new PullProgressTracker()
    assert.deepEqual(tracker.add({status: 'Pulling from acme/app', id: '1.0.0'}), {current: 0, total: 0, status: 'Pulling from acme/app'})
    assert.deepEqual(tracker.add({id: 'a', status: 'Downloading', progressDetail: {current: 10, total: 100}}), {
      current: 10,
      total: 100,
      status: 'Downloading',
    })
    assert.deepEqual(tracker.add({id: 'b', status: 'Downloading', progressDetail: {current: 5, total: 50}}), {
      current: 15,
      total: 150,
      status: 'Downloading',
    })
    assert.deepEqual(tracker.add({id: 'a', status: 'Pull complete', progressDetail: {}}), {
      current: 105,
      total: 150,
      status: 'Pull complete',
    })
    assert.deepEqual(tracker.add({status: 'Digest: sha256:0123'}), {current: 105, total: 150, status: 'Digest: sha256:0123'})
  })
})
