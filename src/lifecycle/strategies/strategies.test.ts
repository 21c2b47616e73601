import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {DiscodeError} from '../../errors.js'
import type {AppRecord, ReleaseRecord} from '../../state/store.js'
import type {Operation} from '../operation.js'
import type {StrategyActions} from '../strategy-actions.js'
import {type DeployPlan, RemovedReleaseError, type SourcedRecipe} from '../strategy.js'
import {blueGreenStrategy} from './bluegreen.js'
import {pauseStrategy} from './pause.js'

/**
 * The strategies' decisions, with the remote side stubbed: a fake StrategyActions records each call
 * and fails the ones a test names, as Docker or the proxy would.
 */
function recorder(failing: Partial<Record<keyof StrategyActions, Error>> = {}, revertProblems: string[] = []) {
  const calls: string[] = []
  const act =
    <T>(name: keyof StrategyActions, result: (...args: never[]) => T) =>
    async (...args: unknown[]) => {
      const release = args.slice(1).find((a): a is {version: string} => typeof a === 'object' && a !== null && 'version' in a)
      calls.push(release ? `${name} ${release.version}` : name)
      if (failing[name]) throw failing[name]
      return result(...(args as never[]))
    }
  const actions: StrategyActions = {
    start: act('start', () => next),
    revive: act('revive', () => undefined),
    preSwitch: act('preSwitch', () => undefined),
    switchTo: act('switchTo', () => undefined),
    discard: act('discard', () => 'last log line'),
    stop: act('stop', () => undefined),
    stopQuietly: act('stopQuietly', () => undefined),
    ensureOnHost: act('ensureOnHost', () => undefined),
    ensureImagePulled: act('ensureImagePulled', () => undefined),
    hold: act('hold', () => ({route: {service: 'app', hosts: [], targets: [], state: 'paused', tls: false}})),
    resume: act('resume', () => undefined),
    revert: act('revert', () => revertProblems),
  }
  return {calls, actions}
}

const release = (v: string): ReleaseRecord => ({version: v, image: `r:${v}`, imageId: `sha256:${v}`, key: v, container: `app-${v}`})
const current = release('1.0.0')
const next = release('1.1.0')
const op = {app: 'app'} as Operation
const recipe = {strategy: 'bluegreen'} as SourcedRecipe
const record = (serving?: ReleaseRecord): AppRecord => ({
  app: 'app',
  recipe: {ref: 'app', source: 'path', dir: '/r'},
  inputs: {},
  current: serving,
  previous: [],
  installedAt: 'then',
  updatedAt: 'then',
})
const plan = (serving?: ReleaseRecord): DeployPlan => ({
  record: record(serving),
  recipe,
  release: next,
  kind: serving ? 'update' : 'install',
})
const hookFailed = new DiscodeError('preSwitch hook "migrate" failed (exit 1)', {code: 'HOOK_FAILED'})
const unhealthy = new DiscodeError('kamal-proxy: target failed to become healthy', {code: 'UNHEALTHY'})

describe('blue-green strategy', () => {
  it('starts the new release, runs the hooks, switches; the old one is left for goLive to retire', async () => {
    const {calls, actions} = recorder()
    const switched = await blueGreenStrategy(actions).deploy(op, plan(current))
    assert.deepEqual(calls, ['start 1.1.0', 'preSwitch 1.1.0', 'switchTo 1.1.0'])
    assert.equal(switched.next, next)
    assert.equal(switched.stillRunning, current)
  })

  it('a failing hook removes the new release; the old one keeps serving, and the error says so', async () => {
    const {calls, actions} = recorder({preSwitch: hookFailed})
    await assert.rejects(blueGreenStrategy(actions).deploy(op, plan(current)), (error: DiscodeError) => {
      assert.equal(error.code, 'HOOK_FAILED')
      assert.match(error.message, /^1\.1\.0 was not deployed: preSwitch hook/)
      assert.match(error.hint ?? '', /1\.0\.0 keeps serving/)
      assert.match(error.hint ?? '', /\| last log line/)
      return true
    })
    assert.deepEqual(calls, ['start 1.1.0', 'preSwitch 1.1.0', 'discard 1.1.0'])
  })

  it('a start that fails (its replicas crash) goes no further; the old one keeps serving, and the error says so', async () => {
    const crashed = new DiscodeError('shop-k1 could not start its replicas: exit 3', {code: 'REPLICAS_FAILED'})
    const {calls, actions} = recorder({start: crashed})
    await assert.rejects(blueGreenStrategy(actions).deploy(op, plan(current)), (error: DiscodeError) => {
      assert.equal(error.code, 'REPLICAS_FAILED')
      assert.match(error.message, /^1\.1\.0 was not deployed: shop-k1 could not start its replicas/)
      assert.match(error.hint ?? '', /1\.0\.0 keeps serving; nothing was changed/)
      return true
    })
    assert.deepEqual(calls, ['start 1.1.0'])
  })

  it('a start Docker refuses removed its container already: the error keeps its code and shows its last log lines', async () => {
    const refused = new DiscodeError('Docker could not start container app-1.1.0: port is already allocated', {code: 'DOCKER_ERROR'})
    const {calls, actions} = recorder({start: new RemovedReleaseError(refused, 'binding :80\n')})
    await assert.rejects(blueGreenStrategy(actions).deploy(op, plan(current)), (error: DiscodeError) => {
      assert.equal(error.code, 'DOCKER_ERROR')
      assert.match(error.message, /^1\.1\.0 was not deployed: Docker could not start container app-1\.1\.0: port is already allocated$/)
      assert.match(error.hint ?? '', /1\.0\.0 keeps serving[^]*\| binding :80/)
      return true
    })
    assert.deepEqual(calls, ['start 1.1.0'], 'nothing to discard: the start removed it')
  })

  it('a release that never becomes healthy is removed without touching the serving one', async () => {
    const {calls, actions} = recorder({switchTo: unhealthy})
    await assert.rejects(blueGreenStrategy(actions).deploy(op, plan(current)), {code: 'UNHEALTHY'})
    assert.deepEqual(calls, ['start 1.1.0', 'preSwitch 1.1.0', 'switchTo 1.1.0', 'discard 1.1.0'])
  })

  it('install: nothing serves before, nothing to retire after', async () => {
    const {actions} = recorder()
    assert.equal((await blueGreenStrategy(actions).deploy(op, plan())).stillRunning, undefined)
  })

  it('rollback revives the kept release and switches; a failed switch stops it again', async () => {
    const ok = recorder()
    const switched = await blueGreenStrategy(ok.actions).rollback(op, {recipe, current: next, target: current})
    assert.deepEqual(ok.calls, ['revive 1.0.0', 'switchTo 1.0.0'])
    assert.equal(switched.stillRunning, next)
    const failed = recorder({switchTo: unhealthy})
    await assert.rejects(blueGreenStrategy(failed.actions).rollback(op, {recipe, current: next, target: current}), {code: 'UNHEALTHY'})
    assert.deepEqual(failed.calls, ['revive 1.0.0', 'switchTo 1.0.0', 'stopQuietly 1.0.0'])
  })
})

describe('pause strategy', () => {
  it('holds requests, stops the old release, starts the new one, runs hooks, switches, resumes', async () => {
    const {calls, actions} = recorder()
    const switched = await pauseStrategy(actions).deploy(op, plan(current))
    assert.deepEqual(calls, [
      'ensureImagePulled 1.1.0',
      'hold 1.0.0',
      'stop 1.0.0',
      'start 1.1.0',
      'preSwitch 1.1.0',
      'switchTo 1.1.0',
      'resume 1.1.0',
    ])
    assert.equal(switched.stillRunning, undefined, 'the old release was stopped before the switch')
  })

  it('refuses before holding anything when the image is not on the host', async () => {
    const {calls, actions} = recorder({ensureImagePulled: new DiscodeError('not pulled', {code: 'IMAGE_NOT_PULLED'})})
    await assert.rejects(pauseStrategy(actions).deploy(op, plan(current)), {code: 'IMAGE_NOT_PULLED'})
    assert.deepEqual(calls, ['ensureImagePulled 1.1.0'])
  })

  it('a failing hook takes the new release down and brings the old one back; users saw a delay', async () => {
    const {calls, actions} = recorder({preSwitch: hookFailed})
    await assert.rejects(pauseStrategy(actions).deploy(op, plan(current)), (error: DiscodeError) => {
      assert.match(error.hint ?? '', /1\.0\.0 serves again: requests were held during the attempt, not refused/)
      return true
    })
    assert.deepEqual(calls, [
      'ensureImagePulled 1.1.0',
      'hold 1.0.0',
      'stop 1.0.0',
      'start 1.1.0',
      'preSwitch 1.1.0',
      'discard 1.1.0',
      'revert 1.0.0',
    ])
  })

  it('says what went wrong when going back had problems (the proxy was lost meanwhile)', async () => {
    const {actions} = recorder({switchTo: unhealthy}, ['the route could not be resumed: proxy not running'])
    await assert.rejects(pauseStrategy(actions).deploy(op, plan(current)), (error: DiscodeError) => {
      assert.match(error.hint ?? '', /Going back to 1\.0\.0 had problems: the route could not be resumed/)
      return true
    })
  })

  it('a failure to stop the old release still reverts (nothing new to take down)', async () => {
    const {calls, actions} = recorder({stop: new Error('docker: timeout')})
    await assert.rejects(pauseStrategy(actions).deploy(op, plan(current)), /docker: timeout/)
    assert.deepEqual(calls, ['ensureImagePulled 1.1.0', 'hold 1.0.0', 'stop 1.0.0', 'revert 1.0.0'])
  })

  it('install holds nothing and stops nothing; a failure removes the new release only', async () => {
    const ok = recorder()
    await pauseStrategy(ok.actions).deploy(op, plan())
    assert.deepEqual(ok.calls, ['start 1.1.0', 'preSwitch 1.1.0', 'switchTo 1.1.0', 'resume 1.1.0'])
    const failed = recorder({switchTo: unhealthy})
    await assert.rejects(pauseStrategy(failed.actions).deploy(op, plan()), {code: 'UNHEALTHY'})
    assert.deepEqual(failed.calls, ['start 1.1.0', 'preSwitch 1.1.0', 'switchTo 1.1.0', 'discard 1.1.0'])
  })

  it('rollback checks the kept release is on the host before holding, and runs no hooks', async () => {
    const {calls, actions} = recorder()
    await pauseStrategy(actions).rollback(op, {recipe, current: next, target: current})
    assert.deepEqual(calls, ['ensureOnHost 1.0.0', 'hold 1.1.0', 'stop 1.1.0', 'revive 1.0.0', 'switchTo 1.0.0', 'resume 1.0.0'])
  })
})
