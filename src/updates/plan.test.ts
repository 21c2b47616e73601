import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {Release} from '../feed/feed.js'
import type {RecipeInput} from '../recipes/schema.js'
import {planPath} from './path.js'
import {buildPlan, newInputsByHop, snapshotBeforeHop} from './plan.js'

function release(version: string, extra: Partial<Release> = {}): Release {
  return {version, image: `acme/demo:${version}`, channel: 'stable', required: false, ...extra}
}
function input(name: string, extra: Partial<RecipeInput> = {}): RecipeInput {
  return {name, required: false, secret: false, ...extra}
}

const FEED = {
  releases: [release('1.0.0'), release('1.5.0'), release('2.0.0', {required: true, notes: 'Mail'}), release('2.3.0', {notes: 'Fixes'})],
}
const HOOKS = {preSwitch: [{name: 'migrate', run: ['migrate']}], postSwitch: [{name: 'warm', run: ['warm']}]}

describe('newInputsByHop', () => {
  const hops = [release('2.0.0'), release('2.3.0')]
  it('lists an input under the first hop at or above its since, and skips kept ones', () => {
    const inputs = [
      input('hostname', {required: true}),
      input('smtp_host', {required: true, since: '2.0.0'}),
      input('theme', {since: '2.1.0', default: 'dark'}),
    ]
    const byHop = newInputsByHop(inputs, hops, new Set(['hostname']), new Set())
    assert.deepEqual(
      byHop.map((list) => list.map((i) => `${i.name}:${i.source}`)),
      [['smtp_host:missing'], ['theme:default']],
    )
    assert.equal(byHop[1][0].default, 'dark')
  })
  it('an input without since belongs to the first hop; given values count as given', () => {
    const byHop = newInputsByHop([input('region', {required: true})], hops, new Set(), new Set(['region']))
    assert.deepEqual(
      byHop[0].map((i) => i.source),
      ['given'],
    )
  })
  it('never shows the default of a secret input', () => {
    const byHop = newInputsByHop([input('token', {secret: true, default: 's3cret'})], hops, new Set(), new Set())
    assert.equal(byHop[0][0].default, undefined)
    assert.equal(JSON.stringify(byHop).includes('s3cret'), false)
  })
})

describe('buildPlan', () => {
  const path = planPath(FEED, '1.0.0')
  const facts = (extra = {}) => ({
    app: 'shop',
    path,
    recipe: {hooks: HOOKS},
    newInputs: [[], []],
    accessories: [],
    imageBytes: [1000, null],
    replaceAccessories: false,
    ...extra,
  })
  it('has each hop with notes, hooks, size and the snapshot decision', () => {
    const plan = buildPlan(facts())
    assert.equal(plan.target, '2.3.0')
    assert.deepEqual(
      plan.hops.map((hop) => [hop.version, hop.notes, hop.required, hop.imageBytes, hop.snapshot]),
      [
        ['2.0.0', 'Mail', true, 1000, true],
        ['2.3.0', 'Fixes', false, null, true],
      ],
    )
    assert.deepEqual(plan.hops[0].hooks, {preSwitch: ['migrate'], postSwitch: ['warm']})
    assert.deepEqual(plan.blockers, [])
  })
  it('is blocked by a new required input without a default, naming it and the flag', () => {
    const missing = {name: 'smtp_host', required: true, secret: false, source: 'missing' as const}
    const plan = buildPlan(facts({newInputs: [[missing], []]}))
    assert.equal(plan.blockers.length, 1)
    assert.equal(plan.blockers[0].code, 'MISSING_INPUT')
    assert.match(plan.blockers[0].message, /2\.0\.0 asks for the new required input\(s\) smtp_host/)
    assert.match(plan.blockers[0].hint, /--set smtp_host=/)
  })
  it('shows a changed accessory in its hop (the update itself refuses it without --accessories)', () => {
    const accessories = [{added: [], removed: [], changed: ['db']}]
    const plan = buildPlan(facts({accessories}))
    assert.deepEqual(plan.blockers, [])
    assert.deepEqual(plan.hops[0].accessories.changed, ['db'])
  })
  it('is blocked when the path needs a release missing from the feed', () => {
    const broken = planPath({releases: [release('1.0.0'), release('2.3.0', {minimumFrom: '2.0.0'})]}, '1.0.0')
    const plan = buildPlan(facts({path: broken}))
    assert.deepEqual(plan.hops, [])
    assert.equal(plan.blockers[0].code, 'RELEASE_NOT_IN_FEED')
  })
})

describe('snapshotBeforeHop', () => {
  it('is true exactly when the recipe has preSwitch hooks', () => {
    assert.equal(snapshotBeforeHop({hooks: HOOKS}), true)
    assert.equal(snapshotBeforeHop({hooks: {preSwitch: [], postSwitch: HOOKS.postSwitch}}), false)
  })
})
