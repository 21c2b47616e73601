import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {STOP_SOURCE_LABEL, stopReport, stopSettings, stopSourceLabel} from './stop-policy.js'

describe('stopSettings', () => {
  it('without a stop key names no signal (the image decides) and a timeout that fits the process', () => {
    assert.deepEqual(stopSettings(undefined, 'web'), {timeoutSeconds: 10})
    assert.deepEqual(stopSettings(undefined, 'accessory'), {timeoutSeconds: 30})
    assert.deepEqual(stopSettings({}, 'accessory'), {timeoutSeconds: 30})
  })
  it("the recipe's signal and timeout win, in whole seconds (at least one)", () => {
    assert.deepEqual(stopSettings({signal: 'SIGQUIT', timeout: '1m30s'}, 'web'), {signal: 'SIGQUIT', timeoutSeconds: 90})
    assert.deepEqual(stopSettings({timeout: '200ms'}, 'accessory'), {timeoutSeconds: 1})
    assert.deepEqual(stopSettings({signal: 'SIGTERM'}, 'accessory'), {signal: 'SIGTERM', timeoutSeconds: 30})
  })
  it('labels the source of the signal', () => {
    assert.deepEqual(stopSourceLabel({timeoutSeconds: 10}), {[STOP_SOURCE_LABEL]: 'image'})
    assert.deepEqual(stopSourceLabel({signal: 'SIGINT', timeoutSeconds: 10}), {[STOP_SOURCE_LABEL]: 'recipe'})
  })
})

describe('stopReport', () => {
  const image = {[STOP_SOURCE_LABEL]: 'image'}
  it("an image's STOPSIGNAL, copied into the container's config by Docker, is reported as the image's", () => {
    assert.deepEqual(stopReport({StopSignal: 'SIGINT', StopTimeout: 30, Labels: image}, 'accessory'), {
      signal: 'SIGINT',
      source: 'image',
      timeout: 30,
    })
  })
  it("an image without STOPSIGNAL stops on Docker's SIGTERM", () => {
    assert.deepEqual(stopReport({StopTimeout: 10, Labels: image}, 'web'), {signal: 'SIGTERM', source: 'docker', timeout: 10})
  })
  it('a recipe signal, and containers created before the label (their signal came from the recipe)', () => {
    const recipe = {[STOP_SOURCE_LABEL]: 'recipe'}
    assert.deepEqual(stopReport({StopSignal: 'SIGQUIT', StopTimeout: 5, Labels: recipe}, 'web'), {
      signal: 'SIGQUIT',
      source: 'recipe',
      timeout: 5,
    })
    assert.deepEqual(stopReport({StopSignal: 'SIGTERM', Labels: {}}, 'accessory'), {signal: 'SIGTERM', source: 'recipe', timeout: 30})
  })
})
