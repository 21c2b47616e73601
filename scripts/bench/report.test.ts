import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {pairedCost, pluginCostHidden} from './report.js'

describe('plugin cost in the start-up section', () => {
  it('pairs the runs of each round: drift over the run cancels out', () => {
    // Both slow down over the run by the same amount; "with" costs 10 ms more in every round.
    const without = [500, 600, 700, 800, 900]
    const withPlugins = without.map((v) => v + 10)
    assert.deepEqual(pairedCost(withPlugins, without), {median: 10, q1: 10, q3: 10})
  })

  it('a cost hides in the noise only when zero lies between the quartiles of both commands', () => {
    const noisy = pairedCost([100, 90, 130, 95, 120], [110, 100, 100, 100, 100])
    assert.deepEqual(noisy, {median: -5, q1: -10, q3: 20})
    assert.equal(pluginCostHidden({version: noisy, status: noisy}), true)
    const steady = pairedCost([130, 125, 140, 128], [100, 100, 100, 100])
    assert.equal(pluginCostHidden({version: noisy, status: steady}), false)
  })

  it('not measured (results of an older run): NaN, not zero', () => {
    assert.ok(Number.isNaN(pairedCost([100, 200]).median))
  })
})
