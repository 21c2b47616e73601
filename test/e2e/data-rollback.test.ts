/**
 * Zero loss across a migration: an update whose preSwitch hook rewrites the data takes a snapshot
 * first; a rollback to the release from before the migration refuses to put old code on new data
 * silently, and `--restore-data` brings back exactly the bytes from before, with no failed request.
 */
import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {
  buildStandinImage,
  createWorld,
  destroyWorld,
  discode,
  discodeJson,
  feedOf,
  runCommand,
  type World,
  writeRecipe,
} from '../support/discode.js'
import {type FeedServer, httpGet, startFeedServer, startRequestLoop} from '../support/http.js'
import {buildAndPushTestImages, docker} from '../support/images.js'

const APP = 'datarb-app'
const HOST = 'datarb.test'
const sha = (text: string) => createHash('sha256').update(text).digest('hex')

describe('rollback across a migration brings the data back', () => {
  let world: World
  let feed: FeedServer
  const get = (path: string) => httpGet(`${world.url}${path}`, {host: HOST, timeoutMs: 30_000})
  const serving = async () => (await discodeJson(world, ['status', APP, '--offline'])).json.apps[0]

  before(async () => {
    await Promise.all([buildAndPushTestImages(), buildStandinImage()])
    world = await createWorld('datarb')
    feed = await startFeedServer(feedOf([{version: '1.0.0', tag: '1.0.0'}]))
    const recipe = writeRecipe(join(world.home, 'recipes', 'datarb'), feed.url, {
      // The migration rewrites every row (at install there is nothing to migrate yet).
      hooks: {
        preSwitch: [
          {
            name: 'migrate',
            run: ['/bin/sh', '-c', '[ ! -f /www/data/rows.txt ] || sed -i "s/schema=1/schema=2 by $APP_VERSION/" /www/data/rows.txt'],
          },
        ],
        postSwitch: [],
      },
    })
    const installed = await discode(world, ['install', APP, '--recipe', recipe, '--set', `hostname=${HOST}`])
    assert.equal(installed.code, 0, installed.stderr)
  })

  after(async () => {
    await feed?.close()
    if (world) await destroyWorld(world)
  })

  let before1: string
  const rows = Array.from({length: 200}, (_, i) => `row ${i} schema=1`).join('\n') + '\n'

  it('a snapshot that fails (a full backup disk) stops the update before anything is touched', async () => {
    const {container} = await serving()
    await docker(['exec', container, 'sh', '-c', `printf '%s' '${rows}' > /www/data/rows.txt`])
    const small = mkdtempSync(join(tmpdir(), 'datarb-full-'))
    await runCommand('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', small])
    try {
      // The app's backups go there (remembered once a backup worked), then the disk fills up.
      const first = await discode(world, ['backup', APP, '--dir', small])
      assert.equal(first.code, 0, first.stderr)
      try {
        writeFileSync(join(small, 'filler'), Buffer.alloc(1024 * 1024))
      } catch {
        // ENOSPC: full, as wanted
      }
      feed.setFeed(
        feedOf([
          {version: '1.0.0', tag: '1.0.0'},
          {version: '1.1.0', tag: '1.1.0'},
        ]),
      )
      const result = await discode(world, ['update', APP])
      assert.equal(result.code, 1)
      assert.match(result.stderr, /^Error: The snapshot before updating datarb-app to 1\.1\.0 failed, so nothing was changed/m)
      assert.match(result.stderr, /--no-snapshot/)
      assert.equal((await serving()).version, '1.0.0')
      assert.equal(sha((await get('/data/rows.txt')).body), sha(rows), 'the migration did not run')
    } finally {
      await runCommand('umount', [small])
      feed.setFeed(feedOf([{version: '1.0.0', tag: '1.0.0'}]))
    }
  })

  it('an update with a migration snapshots the data first, then migrates it', async () => {
    before1 = (await get('/data/rows.txt')).body
    assert.equal(sha(before1), sha(rows))

    feed.setFeed(
      feedOf([
        {version: '1.0.0', tag: '1.0.0'},
        {version: '1.1.0', tag: '1.1.0'},
      ]),
    )
    const result = await discodeJson(world, ['update', APP])
    assert.equal(result.code, 0, result.stderr)
    assert.equal(typeof result.json.timings.snapshot, 'number', 'the snapshot is a step of the update')
    assert.match((await get('/data/rows.txt')).body, /^row 0 schema=2 by 1\.1\.0$/m)
    const list = await discodeJson(world, ['backup', 'list', APP])
    assert.equal(list.code, 0, list.stderr)
    assert.ok(JSON.stringify(list.json).includes('pre-update'), `a pre-update snapshot is listed: ${JSON.stringify(list.json)}`)
  })

  it('a plain rollback refuses to put 1.0.0 on migrated data, names the snapshot, and changes nothing', async () => {
    const result = await discode(world, ['rollback', APP])
    assert.equal(result.code, 1)
    assert.match(result.stderr, /^Error: Rolling back datarb-app to 1\.0\.0 would run it on data that 1\.1\.0 migrated/m)
    assert.match(result.stderr, /--restore-data brings back snapshot \S+-pre-update-\S+ from before the migration/)
    assert.equal((await serving()).version, '1.1.0')
    assert.match((await get('/data/rows.txt')).body, /schema=2/)
  })

  it('--restore-data needs --yes without a terminal', async () => {
    const result = await discode(world, ['rollback', APP, '--restore-data'])
    assert.equal(result.code, 1)
    assert.match(result.stderr, /--yes/)
    assert.equal((await serving()).version, '1.1.0')
  })

  it('rollback --restore-data brings back exactly the bytes from before, with no failed request', async () => {
    const loop = startRequestLoop(`${world.url}/`, {host: HOST, concurrency: 4, timeoutMs: 45_000})
    const result = await discodeJson(world, ['rollback', APP, '--restore-data', '--yes'])
    await new Promise((r) => setTimeout(r, 500))
    const seen = await loop.stop()
    assert.equal(result.code, 0, result.stderr)
    assert.equal(seen.failures, 0, `no request failed: ${JSON.stringify(seen.failureSamples)}`)
    assert.ok(seen.total > 0)
    assert.equal(result.json.to.version, '1.0.0')
    assert.match(result.json.restoredSnapshot, /pre-update/)
    assert.equal((await get('/')).body, 'version=1.0.0\n')
    assert.equal(sha((await get('/data/rows.txt')).body), sha(before1), 'the data is byte for byte what 1.0.0 had')
  })
})
