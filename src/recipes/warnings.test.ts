import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {RecipeSchema} from './schema.js'
import {recipeWarnings} from './warnings.js'

const recipe = (extra: object) =>
  RecipeSchema.parse({name: 'shop', image: 'r/shop', feed: 'https://example.com/feed.json', strategy: 'pause', ...extra})

describe('recipeWarnings', () => {
  it('warns when a stop and a slow start together can outlast the pause', () => {
    const [warning] = recipeWarnings(recipe({stop: {timeout: '30s'}, pause: {maxPause: '30s'}}))
    assert.match(warning, /stop\.timeout \(30s\) \+ health\.deployTimeout \(30s\) can exceed pause\.maxPause \(30s\)/)
  })

  it('is quiet when the sum fits, and for blue-green (nothing is held)', () => {
    assert.deepEqual(recipeWarnings(recipe({stop: {timeout: '5s'}, health: {deployTimeout: '10s'}, pause: {maxPause: '30s'}})), [])
    assert.deepEqual(recipeWarnings(recipe({strategy: 'bluegreen', stop: {timeout: '60s'}})), [])
  })
})
