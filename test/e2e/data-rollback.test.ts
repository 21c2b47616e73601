/**
 * Zero loss across a migration: an update whose preSwitch hook rewrites the data takes a snapshot
 * first; a rollback to the release from before the migration refuses to put old code on new data
 * silently, and `--restore-data` brings back exactly the bytes from before, with no failed request.
 * The same installed app serves the one-off commands first: `discode exec`, `discode run` and tasks.
 */
import assert from 'node:assert/strict'
import {execFileSync, spawn} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {before, describe, it} from 'node:test'

import {allAppContainers, discode, discodeJson, feedOf, ROOT, runCommand, writeRecipe} from '../support/discode.js'
import {httpGet, startRequestLoop} from '../support/http.js'
import {docker} from '../support/images.js'
import {useWorld} from '../support/world.js'

const APP = 'datarb-app'
const HOST = 'datarb.test'
const sha = (text: string) => createHash('sha256').update(text).digest('hex')

describe('rollback across a migration brings the data back', () => {
  const {world, feed} = useWorld('datarb')
  const get = (path: string) => httpGet(`${world.url}${path}`, {host: HOST, timeoutMs: 30_000})
  const serving = async () => (await discodeJson(world, ['status', APP, '--offline'])).json.apps[0]

  before(async () => {
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
      tasks: {datadir: 'ls -d /www/data', greet: ['sh', '-c', 'echo "hello $1 at $APP_HOST"', 'greet'], console: 'sh -i'},
    })
    const installed = await discode(world, ['install', APP, '--recipe', recipe, '--set', `hostname=${HOST}`])
    assert.equal(installed.code, 0, installed.stderr)
  })

  const runContainers = async () => (await allAppContainers(APP)).filter((name) => name.startsWith(`${APP}-run-`))

  it('exec runs a command in the serving container: its output and exit code come through', async () => {
    const result = await discode(world, ['exec', APP, '--', 'sh', '-c', 'echo hi; echo oops >&2; exit 3'])
    assert.equal(result.code, 3, result.stderr)
    assert.equal(result.stdout, 'hi\n')
    assert.match(result.stderr, /oops/)
    const piped = await discode(world, ['exec', APP, '--', 'sh', '-c', 'tr a-z A-Z'], {input: 'from stdin\n'})
    assert.equal(piped.stdout, 'FROM STDIN\n', 'stdin is streamed in')
    const worker = await discode(world, ['exec', APP, '--process', 'worker', '--', 'true'])
    assert.equal(worker.code, 1)
    assert.match(worker.stderr, /no process "worker"/)
  })

  it("run uses a new container with the app's env and volumes, passes the exit code and leaves nothing", async () => {
    // Exit 3 only with the volume and the generated secret (in the container's config, never an argv).
    const script = 'echo "hi $APP_HOST"; ls /www/data >/dev/null && [ -n "$SECRET_KEY_BASE" ] && exit 3'
    const result = await discode(world, ['run', APP, '--', 'sh', '-c', script])
    assert.equal(result.code, 3, result.stderr)
    assert.equal(result.stdout, `hi ${HOST}\n`)
    assert.deepEqual(await runContainers(), [])
    // On the app's own network: it reaches the serving release by name (as it would the app's database).
    const {container} = await serving()
    const reach = await discode(world, ['run', APP, '--', 'timeout', '5', 'wget', '-q', '-O', '/dev/null', `http://${container}/`])
    assert.equal(reach.code, 0, reach.stderr)
  })

  it('a task runs by name; --list names them', async () => {
    const task = await discode(world, ['run', APP, 'greet', 'world'])
    assert.equal(task.code, 0, task.stderr)
    assert.equal(task.stdout, `hello world at ${HOST}\n`, 'the task, the words after its name, the env')
    const list = await discodeJson(world, ['run', APP, '--list'])
    assert.deepEqual(list.json.tasks.datadir, ['ls', '-d', '/www/data'])
    assert.deepEqual(Object.keys(list.json.tasks), ['datadir', 'greet', 'console'])
  })

  it('run APP console opens the task on a terminal (in tmux): a TTY, typed input, its exit code', async () => {
    const socket = ['-L', `discode-${APP}`]
    const done = join(world.home, 'console-exit')
    const line = `${process.execPath} ${join(ROOT, 'bin', 'run.js')} run ${APP} console; echo "exit=$?" > ${done}; sleep 60`
    const tmux = (args: string[]) => execFileSync('tmux', [...socket, ...args], {env: world.env, encoding: 'utf8'})
    const screen = () => tmux(['capture-pane', '-p', '-t', 'c'])
    const until = async (what: () => boolean, label: string) => {
      const deadline = Date.now() + 30_000
      while (!what()) {
        if (Date.now() > deadline) assert.fail(`${label}; the screen:\n${screen()}`)
        await new Promise((r) => setTimeout(r, 200))
      }
    }
    // A new tmux server of its own inherits the world's environment (DISCODE_HOME, ...).
    tmux(['new-session', '-d', '-s', 'c', '-x', '100', '-y', '20', line])
    try {
      await until(() => /[#$] ?$/m.test(screen()), 'a shell prompt')
      tmux(['send-keys', '-t', 'c', 'tty; echo $((6*7))', 'Enter'])
      await until(() => /^\/dev\/pts\/\d+$/m.test(screen()) && /^42$/m.test(screen()), 'the answers')
      tmux(['send-keys', '-t', 'c', 'exit 4', 'Enter'])
      await until(() => existsSync(done), 'the console to end')
      assert.equal(readFileSync(done, 'utf8').trim(), 'exit=4')
    } finally {
      tmux(['kill-server'])
    }
    assert.deepEqual(await runContainers(), [])
  })

  /** `discode run APP -- sleep 300`, sent `signal` once its container runs; resolves with its exit code. */
  async function interruptedRun(signal: NodeJS.Signals): Promise<number | null> {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'run.js'), 'run', APP, '--', 'sleep', '300'], {env: world.env})
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
    try {
      const deadline = Date.now() + 30_000
      while ((await runContainers()).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200))
      assert.equal((await runContainers()).length, 1, 'the run container started')
    } finally {
      child.kill(signal)
    }
    return exited
  }

  it('a run interrupted (SIGTERM) removes its container; one killed (SIGKILL) is removed by the next command', async () => {
    assert.equal(await interruptedRun('SIGTERM'), 130)
    assert.deepEqual(await runContainers(), [], 'removed at once')
    await interruptedRun('SIGKILL')
    assert.equal((await runContainers()).length, 1, 'still running: nobody waits for it')
    const next = await discode(world, ['run', APP, '--', 'true'])
    assert.equal(next.code, 0, next.stderr)
    assert.deepEqual(await runContainers(), [], 'the leftover is gone')
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
    const check = await discodeJson(world, ['update', APP, '--check'])
    assert.equal(check.json.plan.hops[0].rollback, 'needs-data-choice', 'the vendor declares no data compatibility')
    const result = await discodeJson(world, ['update', APP])
    assert.equal(result.code, 0, result.stderr)
    assert.equal(typeof result.json.timings.snapshot, 'number', 'the snapshot is a step of the update')
    assert.match((await get('/data/rows.txt')).body, /^row 0 schema=2 by 1\.1\.0$/m)
    const list = await discodeJson(world, ['backup', 'list', APP])
    assert.equal(list.code, 0, list.stderr)
    assert.ok(JSON.stringify(list.json).includes('pre-update'), `a pre-update snapshot is listed: ${JSON.stringify(list.json)}`)
  })

  it('a plain rollback refuses to put 1.0.0 on migrated data, names the snapshot, and changes nothing', async () => {
    const check = await discodeJson(world, ['rollback', APP, '--check'])
    assert.equal(check.code, 0, check.stderr)
    assert.deepEqual(
      [check.json.plan.data.action, check.json.plan.blockers.map((b: {code: string}) => b.code)],
      ['needs-choice', ['ROLLBACK_NEEDS_DATA_CHOICE']],
    )
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
    const check = await discodeJson(world, ['rollback', APP, '--check', '--restore-data'])
    assert.equal(check.json.plan.data.action, 'restore')
    const loop = startRequestLoop(`${world.url}/`, {host: HOST, concurrency: 4, timeoutMs: 45_000})
    const result = await discodeJson(world, ['rollback', APP, '--restore-data', '--yes'])
    await new Promise((r) => setTimeout(r, 500))
    const seen = await loop.stop()
    assert.equal(result.code, 0, result.stderr)
    assert.equal(seen.failures, 0, `no request failed: ${JSON.stringify(seen.failureSamples)}`)
    assert.ok(seen.total > 0)
    assert.equal(result.json.to.version, '1.0.0')
    assert.match(result.json.restoredSnapshot, /pre-update/)
    assert.deepEqual(result.json.plan, check.json.plan, 'the plan applied is the one --check showed')
    assert.equal(result.json.restoredSnapshot, check.json.plan.data.snapshot.id)
    assert.equal((await get('/')).body, 'version=1.0.0\n')
    assert.equal(sha((await get('/data/rows.txt')).body), sha(before1), 'the data is byte for byte what 1.0.0 had')
  })

  it('a release whose feed entry declares the older release runs on its data rolls back plainly, data kept', async () => {
    const releases = feedOf([
      {version: '1.0.0', tag: '1.0.0'},
      {version: '1.1.0', tag: '1.1.0'},
      {version: '1.2.0', tag: '1.2.0'},
    ]).releases
    feed.setFeed({releases: releases.map((release) => (release.version === '1.2.0' ? {...release, rollbackTo: '>=1.0.0'} : release))})
    const check = await discodeJson(world, ['update', APP, '--check'])
    assert.deepEqual(
      check.json.plan.hops.map((hop: {version: string; rollback: string}) => [hop.version, hop.rollback]),
      [['1.2.0', 'declared-compatible']],
    )
    const updated = await discode(world, ['update', APP])
    assert.equal(updated.code, 0, updated.stderr)
    assert.match((await get('/data/rows.txt')).body, /^row 0 schema=2 by 1\.2\.0$/m)
    // Offline (the feed is gone): what the update stored decides.
    await feed.close()
    const result = await discode(world, ['rollback', APP])
    assert.equal(result.code, 0, result.stderr)
    // 1.1.0's migration was undone by the --restore-data above: the data in use is 1.0.0's, migrated by 1.2.0 alone.
    assert.match(result.stderr, /declares that 1\.0\.0 runs on the data 1\.2\.0 migrated: the data is kept/)
    assert.equal((await get('/')).body, 'version=1.0.0\n')
    assert.match((await get('/data/rows.txt')).body, /^row 0 schema=2 by 1\.2\.0$/m, 'the data was kept')
  })
})
