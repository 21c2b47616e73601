import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {ContainerInfo} from '../docker/docker.js'
import type {Release} from '../feed/feed.js'
import {accessoryHash} from '../lifecycle/accessories/spec.js'
import {inputValues} from '../lifecycle/inputs.js'
import {renderFor} from '../recipes/installed.js'
import {renderInputs} from '../recipes/render.js'
import {RecipeSchema} from '../recipes/schema.js'
import type {InstalledRecord} from '../state/installed.js'
import type {Facts, UpdateRequest} from './facts.js'
import {newInputsByHop, planUpdate} from './plan.js'

function release(version: string, extra: Partial<Release> = {}): Release {
  return {version, image: `acme/demo:${version}`, channel: 'stable', required: false, ...extra}
}

const FEED = [release('1.0.0'), release('1.5.0'), release('2.0.0', {required: true, notes: 'Mail'}), release('2.3.0', {notes: 'Fixes'})]
const MIGRATE = {preSwitch: [{name: 'migrate', run: ['migrate']}], postSwitch: [{name: 'warm', run: ['warm']}], preRollback: []}

function recipe(extra: Record<string, unknown> = {}) {
  return RecipeSchema.parse({
    name: 'demo',
    image: 'acme/demo',
    feed: 'https://releases.test/demo.json',
    inputs: [{name: 'hostname', default: 'demo.localhost'}],
    accessories: {db: {image: 'db:{{inputs.db_version}}', env: {A: '1'}}},
    hooks: MIGRATE,
    ...extra,
  })
}

const DB_INPUT = {name: 'db_version', default: '16'}

/** The facts of "demo" on 1.0.0 with hostname kept; `running` the accessory containers Docker lists. */
function facts(
  options: {raw?: ReturnType<typeof recipe>; given?: Record<string, string>; running?: ContainerInfo[]; feed?: Release[]} = {},
): Facts {
  const raw = options.raw ?? recipe({inputs: [{name: 'hostname', default: 'demo.localhost'}, DB_INPUT]})
  const kept = {hostname: 'demo.example', db_version: '16'}
  const inputs = inputValues(renderInputs(raw, {app: {name: 'demo'}}), options.given ?? {}, kept)
  const plain = Object.fromEntries(inputs.flatMap((s) => (s.value === undefined ? [] : [[s.input.name, s.value]])))
  const secrets = {inputs: {}, generated: {}}
  const record = {
    app: 'demo',
    inputs: kept,
    current: {version: '1.0.0', image: 'acme/demo:1.0.0', container: 'demo-1'},
  } as unknown as InstalledRecord
  return {
    app: 'demo',
    record,
    raw,
    inputs,
    kept: new Set(Object.keys(kept)),
    plain,
    secrets,
    storedSecrets: secrets,
    feed: {feed: {releases: options.feed ?? FEED} as Facts['feed']['feed'], decision: {verdict: 'loopback', trust: {}}},
    signed: false,
    accessories: options.running ?? [],
    routed: true,
  }
}

function running(name: string, hash: string): ContainerInfo {
  return {
    Names: [`/demo-${name}`],
    State: 'running',
    Image: 'db:16',
    Labels: {'discode.accessory': name, 'discode.accessory-hash': hash},
  } as unknown as ContainerInfo
}

const dbHash = (version: string) => {
  const rendered = renderFor('demo', recipe({inputs: [DB_INPUT]}), {db_version: version}, {inputs: {}, generated: {}}, release('1.0.0'))
  return accessoryHash(rendered.accessories.db)
}

describe('newInputsByHop', () => {
  const hops = [release('2.0.0'), release('2.3.0')]
  const settle = (list: Parameters<typeof RecipeSchema.parse>[0][], given: Record<string, string> = {}) =>
    inputValues(renderInputs(recipe({inputs: list, accessories: {}}), {app: {name: 'demo'}}), given, {hostname: 'kept'})
  it('lists an input under the first hop at or above its since, and skips kept ones', () => {
    const inputs = settle([
      {name: 'hostname', required: true},
      {name: 'smtp_host', required: true, since: '2.0.0'},
      {name: 'theme', since: '2.1.0', default: 'dark'},
    ])
    const byHop = newInputsByHop(inputs, hops, new Set(['hostname']))
    assert.deepEqual(
      byHop.map((list) => list.map((i) => `${i.name}:${i.source}`)),
      [['smtp_host:missing'], ['theme:default']],
    )
    assert.equal(byHop[1][0].default, 'dark')
  })
  it('an input without since belongs to the first hop; given values count as given', () => {
    const byHop = newInputsByHop(settle([{name: 'region', required: true}], {region: 'eu'}), hops, new Set())
    assert.deepEqual(
      byHop[0].map((i) => i.source),
      ['given'],
    )
  })
  it('never shows the default of a secret input', () => {
    const byHop = newInputsByHop(settle([{name: 'token', secret: true, default: 's3cret'}]), hops, new Set())
    assert.equal(byHop[0][0].default, undefined)
    assert.equal(JSON.stringify(byHop).includes('s3cret'), false)
  })
})

describe('planUpdate', () => {
  const request: UpdateRequest = {}
  it('has each hop with notes, hooks, inputs and the snapshot decision', () => {
    const plan = planUpdate(facts({running: [running('db', dbHash('16'))]}), request)
    assert.equal(plan.target, '2.3.0')
    assert.deepEqual(
      plan.hops.map((hop) => [hop.version, hop.notes, hop.required, hop.snapshot, hop.snapshotTrigger]),
      [
        ['2.0.0', 'Mail', true, true, 'pre-update'],
        ['2.3.0', 'Fixes', false, true, 'pre-update'],
      ],
    )
    assert.deepEqual(plan.hops[0].hooks, {preSwitch: ['migrate'], postSwitch: ['warm']})
    assert.deepEqual(plan.hops[0].inputs, {hostname: 'demo.example', db_version: '16'})
    assert.deepEqual(plan.hops[0].accessories.actions, [{name: 'db', action: 'unchanged'}])
    assert.deepEqual(plan.blockers, [])
    assert.equal(plan.refresh, undefined)
  })
  it('--no-snapshot: no hop saves the data first', () => {
    const plan = planUpdate(facts(), {snapshot: false})
    assert.ok(plan.hops.every((hop) => !hop.snapshot && hop.snapshotTrigger === undefined))
  })
  it('is blocked by a new required input without a default, naming it and the flag', () => {
    const raw = recipe({inputs: [{name: 'hostname'}, DB_INPUT, {name: 'smtp_host', required: true}]})
    const plan = planUpdate(facts({raw}), request)
    assert.equal(plan.blockers.length, 1)
    assert.equal(plan.blockers[0].code, 'MISSING_INPUT')
    assert.match(plan.blockers[0].message, /2\.0\.0 asks for the new required input\(s\) smtp_host/)
    assert.match(plan.blockers[0].hint, /--set smtp_host=/)
  })
  it('shows a changed accessory in the hop that changes it; replaced (and the data saved first) only with --accessories', () => {
    const given = {db_version: '17'}
    const raw = recipe({inputs: [DB_INPUT], hooks: {...MIGRATE, preSwitch: []}})
    const refused = planUpdate(facts({raw, given, running: [running('db', dbHash('16'))]}), request)
    assert.deepEqual(refused.blockers, [])
    assert.deepEqual(
      refused.hops.map((hop) => hop.accessories.changed),
      [['db'], []],
    )
    assert.equal(refused.hops[0].snapshot, false)
    const replaced = planUpdate(facts({raw, given, running: [running('db', dbHash('16'))]}), {accessories: true})
    assert.deepEqual(replaced.hops[0].accessories.actions, [{name: 'db', action: 'replaced'}])
    assert.equal(replaced.hops[0].snapshotTrigger, 'pre-accessories')
    assert.deepEqual(replaced.hops[1].accessories.actions, [{name: 'db', action: 'unchanged'}], 'the second hop finds the first one’s')
  })
  it('adds an accessory on the first hop and removes an orphan only with --accessories', () => {
    const plan = planUpdate(facts({running: [running('cache', 'h')]}), {accessories: true})
    assert.deepEqual(plan.hops[0].accessories, {
      added: ['db'],
      removed: ['cache'],
      changed: [],
      actions: [
        {name: 'db', action: 'created'},
        {name: 'cache', action: 'removed'},
      ],
    })
    assert.deepEqual(plan.hops[1].accessories.removed, [])
    const kept = planUpdate(facts({running: [running('cache', 'h')]}), request)
    assert.deepEqual(kept.hops[1].accessories.removed, ['cache'], 'left running, still not in the recipe')
  })
  it('is blocked when the path needs a release missing from the feed', () => {
    const plan = planUpdate(facts({feed: [release('1.0.0'), release('2.3.0', {minimumFrom: '2.0.0'})]}), request)
    assert.deepEqual(plan.hops, [])
    assert.equal(plan.blockers[0].code, 'RELEASE_NOT_IN_FEED')
    assert.equal(plan.refresh, undefined)
  })
  it('with nothing newer: the refresh of the serving release (accessories, route)', () => {
    const plan = planUpdate({...facts({feed: [release('1.0.0')]}), routed: false}, request)
    assert.deepEqual(plan.hops, [])
    assert.deepEqual(plan.refresh, {
      accessories: {added: ['db'], removed: [], changed: [], actions: [{name: 'db', action: 'created'}]},
      snapshot: false,
      reroute: true,
    })
  })
})
