/**
 * Clean stops (issue: a pause must be short even when the app ignores SIGTERM). The test app's server
 * runs as PID 1 and ignores SIGTERM (APP_IGNORE_TERM=1, like `exec httpd -f` in many images): a
 * pause-strategy update then holds requests until Docker's SIGKILL, and discode says why and how to
 * fix it. With `init: true` the same image stops at once and the hold is short.
 */
import assert from 'node:assert/strict'
import {join} from 'node:path'
import {describe, it} from 'node:test'

import {discode, discodeJson, feedOf, writeRecipe} from '../support/discode.js'
import {httpGet, startRequestLoop} from '../support/http.js'
import {docker} from '../support/images.js'
import {useWorld} from '../support/world.js'

const HELD_TIMEOUT_MS = 45_000

describe('stops: init and stop settings', () => {
  const {world, feed} = useWorld('stops')

  /** Installs 1.0.0 of a pause-strategy app whose server ignores SIGTERM, then updates it to 1.1.0 under load. */
  async function updateUnderLoad(app: string, extra: Record<string, unknown>) {
    feed.setFeed(feedOf([{version: '1.0.0', tag: '1.0.0'}]))
    const recipe = writeRecipe(join(world.home, 'recipes', app), feed.url, {
      strategy: 'pause',
      pause: {maxPause: '40s'},
      env: {APP_HOST: '{{inputs.hostname}}', APP_IGNORE_TERM: '1'},
      ...extra,
    })
    const host = `${app}.test`
    const installed = await discode(world, ['install', app, '--recipe', recipe, '--set', `hostname=${host}`])
    assert.equal(installed.code, 0, installed.stderr)
    feed.setFeed(
      feedOf([
        {version: '1.0.0', tag: '1.0.0'},
        {version: '1.1.0', tag: '1.1.0'},
      ]),
    )
    const loop = startRequestLoop(`${world.url}/`, {host, concurrency: 4, timeoutMs: HELD_TIMEOUT_MS})
    const result = await discodeJson(world, ['update', app])
    await new Promise((r) => setTimeout(r, 300))
    const seen = await loop.stop()
    assert.equal(result.code, 0, result.stderr)
    assert.equal(seen.failures, 0, `no request failed: ${JSON.stringify(seen.failureSamples)}`)
    assert.equal((await httpGet(`${world.url}/`, {host})).body, 'version=1.1.0\n')
    return result
  }

  it('without init: the hold lasts until Docker kills the old server, and discode names the fix', async () => {
    const {json, stderr} = await updateUnderLoad('stops-plain', {stop: {timeout: '8s'}})
    assert.match(stderr, /ignored SIGTERM for \d+ s and was killed: set "init: true"/)
    assert.ok(json.timings.stop >= 7500, `the stop waited for the kill: ${json.timings.stop} ms`)
    assert.ok(json.heldMs >= json.timings.stop, `held ${json.heldMs} ms, at least the stop`)
  })

  it('with init: true the same image stops at once: the hold is short and no warning', async () => {
    const {json, stderr} = await updateUnderLoad('stops-init', {init: true, stop: {timeout: '8s'}})
    assert.doesNotMatch(stderr, /ignored SIGTERM/)
    // Compared with the stop budget, not the clock: a busy machine slows everything, but never by 8 s.
    assert.ok(json.timings.stop < 4000, `the stop took ${json.timings.stop} ms: the signal reached the server`)
    assert.ok(json.heldMs < 8000, `held ${json.heldMs} ms, less than the stop timeout alone`)
    // Docker runs it with an init, and with the recipe's stop settings for every later stop.
    const inspect = JSON.parse((await docker(['inspect', json.to.container])).stdout)[0]
    assert.equal(inspect.HostConfig.Init, true)
    assert.equal(inspect.Config.StopTimeout, 8)
    assert.equal(inspect.Config.StopSignal, 'SIGTERM')
  })

  it('recipes validate warns when a stop plus a slow start can outlast the pause', async () => {
    const recipe = writeRecipe(join(world.home, 'recipes', 'warned'), feed.url, {
      strategy: 'pause',
      stop: {timeout: '30s'},
      pause: {maxPause: '30s'},
    })
    const result = await discode(world, ['recipes', 'validate', recipe])
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stderr, /stop\.timeout \(30s\) \+ health\.deployTimeout \(6s\) can exceed pause\.maxPause \(30s\)/)
    assert.match(result.stdout, /recipe is valid, with 1 warning/)
  })
})
