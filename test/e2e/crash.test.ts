/**
 * Crash safety and concurrency on real parts. `discode update` is killed with SIGKILL at every step
 * boundary (read from its journal as it is written), while a request loop runs through the proxy.
 * After each kill the next command (`status`, which repairs an interrupted operation) must leave
 * exactly one app container serving, no orphans, the record agreeing with Docker, and no request may
 * have failed at any point.
 */
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {before, describe, it} from 'node:test'

import {
  allAppContainers,
  discode,
  discodeJson,
  feedOf,
  killAtJournalEntry,
  readJournal,
  ROOT,
  runningAppContainers,
  writeRecipe,
} from '../support/discode.js'
import {httpGet, type RequestLoop, startRequestLoop} from '../support/http.js'
import {useWorld} from '../support/world.js'

const APP = 'crash-app'
const HOST = 'crash.test'

/** Where to kill: when the journal shows `event` for `step` (start = before it runs, done = after). */
const BOUNDARIES: [event: 'start' | 'done', step: string][] = [
  ['start', 'pull'],
  ['done', 'pull'],
  ['start', 'start'],
  ['done', 'start'],
  ['start', 'hooks'],
  ['done', 'hooks'],
  ['start', 'switch'],
  ['done', 'switch'],
  ['start', 'retire'],
  ['done', 'retire'],
]

describe('crash safety and concurrency', () => {
  const {world, feed, cleanup} = useWorld('crash', {
    feed: feedOf([
      {version: '1.0.0', tag: '1.0.0'},
      {version: '1.1.0', tag: '1.1.0'},
    ]),
  })
  let loop: RequestLoop
  let recipe: string

  const record = () => JSON.parse(readFileSync(join(world.home, 'apps', APP, 'app.json'), 'utf8'))
  const served = async () => (await httpGet(`${world.url}/`, {host: HOST})).body.trim().replace('version=', '')

  /** The invariants after any crash and repair. */
  async function assertConsistent(context: string) {
    const running = await runningAppContainers(APP)
    const current = record().current
    assert.deepEqual(running, [current.container], `${context}: exactly the current container runs`)
    const known = new Set([current.container, ...record().previous.map((r: {container: string}) => r.container)])
    for (const name of await allAppContainers(APP)) assert.ok(known.has(name), `${context}: orphan container ${name}`)
    assert.equal(await served(), current.version, `${context}: the record names what the proxy serves`)
    const snapshot = loop.snapshot()
    assert.equal(snapshot.failures, 0, `${context}: failed requests: ${snapshot.failureSamples.join(' | ')}`)
  }

  before(async () => {
    recipe = writeRecipe(join(world.home, 'recipe'), feed.url, {
      hooks: {
        preSwitch: [{name: 'migrate', run: ['/bin/sh', '-c', 'sleep 0.3; echo "$APP_VERSION" >> /www/data/migrations.log']}],
        postSwitch: [],
      },
    })
    const installed = await discode(world, ['install', APP, '--recipe', recipe, '--set', `hostname=${HOST}`, '--version', '1.0.0'])
    assert.equal(installed.code, 0, installed.stderr)
    loop = startRequestLoop(`${world.url}/`, {host: HOST})
    cleanup(async () => {
      const result = await loop.stop()
      console.log(`crash tests: ${result.total} requests through the proxy, ${result.failures} failed, longest ${result.maxLatencyMs} ms`)
    })
  })

  for (const [event, stepName] of BOUNDARIES) {
    it(`update killed at ${event} of "${stepName}": the next command repairs it, nothing fails`, async () => {
      const from = record().current.version
      const to = from === '1.0.0' ? '1.1.0' : '1.0.0'
      const {killed, output} = await killAtJournalEntry(world, APP, ['update', APP, '--to', to], event, stepName)
      assert.ok(killed, `update finished before reaching ${event} ${stepName}:\n${output}`)

      // After the last step the kill can land just after the operation ended: then there is nothing to repair.
      const interrupted = !readJournal(world, APP).includes('"event":"end"')
      const status = await discodeJson(world, ['status', APP])
      assert.equal(status.code, 0, status.stderr)
      if (interrupted) assert.match(status.stderr, /was interrupted/, 'status says it repaired an interrupted update')
      assert.ok([from, to].includes(status.json.apps[0].version))
      assert.equal(status.json.apps[0].health, 'serving')
      await assertConsistent(`after a kill at ${event} ${stepName}`)

      // And the app can be updated normally afterwards.
      const next = await discode(world, ['update', APP, '--to', record().current.version === '1.0.0' ? '1.1.0' : '1.0.0'])
      assert.equal(next.code, 0, next.stderr)
      await assertConsistent(`after the update that followed the kill at ${event} ${stepName}`)
    })
  }

  it('a second update of the same app fails at once naming the holder; with --wait it waits its turn', async () => {
    const to = record().current.version === '1.0.0' ? '1.1.0' : '1.0.0'
    const first = new Promise<number>((resolve) => {
      const child = execFile(process.execPath, [join(ROOT, 'bin/run.js'), 'update', APP, '--to', to], {env: world.env}, (error) =>
        resolve(error ? 1 : 0),
      )
      void child
    })
    // Wait until the first one holds the lock.
    const holder = join(world.home, 'locks', `${APP}.holder.json`)
    for (let i = 0; i < 400 && !existsSync(holder); i++) await new Promise((r) => setTimeout(r, 25))
    const second = await discode(world, ['update', APP, '--to', to])
    assert.equal(second.code, 1)
    assert.match(second.stderr, /^Error: crash-app is busy: discode update \(pid \d+, since /m)
    assert.match(second.stderr, /^Hint: .*--wait/m)

    const waited = await discode(world, ['update', APP, '--to', to, '--wait'])
    assert.equal(await first, 0)
    assert.equal(waited.code, 0, waited.stderr)
    assert.equal(await served(), to)
    await assertConsistent('after two concurrent updates')
  })
})
