/**
 * The real stack: Debian's PostgreSQL 15 as an accessory and an app that reads and writes it through
 * psql on every request, and holds one connection open all the time (as a Rails app's pool does).
 * Install, an update whose migration changes the schema while a request loop writes rows (0 failed),
 * a snapshot with pg_dump and a restore with pg_restore, the accessory replaced with the app connected
 * (PostgreSQL's own stop signal, SIGINT, and a prompt stop), and uninstall. Beside the web, a worker
 * (a recipe process, 2 replicas) takes jobs from a table: update and plain rollback move it with the
 * web while jobs are enqueued, and every job is done exactly once. Images: see
 * test/support/postgres-images.ts (built from Debian's packages, cached by content).
 */
import assert from 'node:assert/strict'
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {stringify} from 'yaml'

import {allAppContainers, buildStandinImage, createWorld, destroyWorld, discode, discodeJson, type World} from '../support/discode.js'
import {assertNoFailedRequests, eventually, type FeedServer, httpGet, loadDuring, startFeedServer} from '../support/http.js'
import {docker} from '../support/images.js'
import {buildPostgresImages, PGAPP_REPOSITORY, pgappFeed} from '../support/postgres-images.js'

const WORLD = 'pgsql'
const APP = 'pgsql-app'
const HOST = 'pgsql.test'
const DB = `${APP}-db`

describe('a real PostgreSQL and an app that uses it', () => {
  let world: World
  let feed: FeedServer
  let recipeDir: string
  let postgresImage: string
  let snapshotId: string

  const get = (path = '/') => httpGet(`${world.url}${path}`, {host: HOST, timeoutMs: 15_000})
  const visits = async () => Number(/visits=(\d+)/.exec((await get('/cgi-bin/visit')).body)?.[1])
  const psql = async (sql: string) => (await docker(['exec', DB, 'psql', '-U', 'app', '-qtA', '-c', sql])).stdout.trim()

  function writePgRecipe(dbCommand?: string[], workerReady = '/tmp/ready') {
    mkdirSync(recipeDir, {recursive: true})
    const recipe = {
      name: 'pgapp',
      image: PGAPP_REPOSITORY,
      port: 80,
      init: true,
      health: {path: '/up', interval: '200ms', timeout: '2s', deployTimeout: '20s'},
      feed: feed.url,
      inputs: [{name: 'hostname', required: true}],
      secrets: {db_password: {generate: 'hex', length: 32}},
      env: {DATABASE_URL: 'postgres://app:{{secrets.db_password}}@{{accessories.db.host}}:{{accessories.db.port}}/app'},
      proxy: {host: '{{inputs.hostname}}'},
      hooks: {preSwitch: [{name: 'migrate', run: ['/app/migrate']}]},
      // 1.1.0's migration only adds a column with a default: 1.0.0 runs on it (a plain rollback).
      migrations: 'expand-only',
      processes: {
        worker: {
          command: '/app/worker',
          replicas: 2,
          stop: {signal: 'SIGTERM', timeout: '20s'},
          health: {command: `test -f ${workerReady}`, timeout: workerReady === '/tmp/ready' ? '30s' : '3s'},
        },
      },
      accessories: {
        db: {
          image: postgresImage,
          port: 5432,
          env: {POSTGRES_USER: 'app', POSTGRES_PASSWORD: '{{secrets.db_password}}'},
          volumes: [{name: 'data', path: '/var/lib/postgresql/data'}],
          ...(dbCommand ? {command: dbCommand} : {}),
          health: {cmd: ['pg_isready', '-U', 'app']},
          backup: {
            dump: ['pg_dump', '-U', 'app', '-Fc', 'app'],
            restore: ['pg_restore', '-U', 'app', '-d', 'app', '--clean', '--if-exists'],
          },
        },
      },
    }
    writeFileSync(join(recipeDir, 'recipe.yml'), stringify(recipe))
  }

  /** The versions of the app's running worker containers, sorted. */
  async function runningWorkers(): Promise<string[]> {
    const {stdout} = await docker([
      ...['ps', '--filter', `label=discode.app=${APP}`, '--filter', 'label=discode.process=worker'],
      ...['--format', '{{.Label "discode.version"}}'],
    ])
    return stdout.trim().split('\n').filter(Boolean).sort()
  }

  /**
   * `work` under a loop that enqueues jobs (one row each, as the app would), and for 3 s after it, then
   * until the workers are idle: returns the database's time when `work` ended.
   */
  async function enqueueDuring(work: () => Promise<void>): Promise<{switchedAt: string; enqueued: number}> {
    let stop = false
    let enqueued = 0
    const loop = (async () => {
      // Three at a time: a docker exec of psql takes a while on a busy machine.
      for (; !stop; enqueued += 3) await psql('insert into jobs (done_by) select null from generate_series(1, 3)')
    })()
    let switchedAt = ''
    try {
      await work()
      switchedAt = await psql('select now()')
      await new Promise((r) => setTimeout(r, 3000))
    } finally {
      stop = true
      await loop
    }
    await eventually(async () => (await psql('select count(*) from jobs where done_by is null')) === '0', {timeoutMs: 60_000})
    return {switchedAt, enqueued}
  }

  /** Every job was done exactly once; those enqueued after `since` by `version`'s worker. */
  async function assertJobs(since: string, version: string, enqueued: number) {
    assert.equal(await psql('select count(*) from jobs where runs <> 1'), '0', 'every job done exactly once')
    const after = await psql(`select string_agg(distinct done_by, ',') from jobs where enqueued_at > '${since}'`)
    assert.equal(after, version, `jobs enqueued after the switch were done by ${version}'s worker`)
    assert.ok(enqueued > 10, `the enqueue loop added only ${enqueued} jobs`)
  }

  /** Docker's own record of how the container was last stopped: the signal sent, and how long until it died. */
  async function lastStop(container: string, since: number): Promise<{signal: string; ms: number}> {
    const {stdout} = await docker([
      ...['events', '--since', String(Math.floor(since / 1000)), '--until', String(Math.ceil(Date.now() / 1000) + 1)],
      ...['--filter', `container=${container}`, '--filter', 'event=kill', '--filter', 'event=die', '--format', '{{json .}}'],
    ])
    const events = stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
    const kill = events.find((e) => e.Action === 'kill')
    const die = events.find((e) => e.Action === 'die')
    assert.ok(kill && die, `Docker recorded a kill and a die of ${container}: ${stdout}`)
    // Docker names the signal by its number (2 is SIGINT, 15 SIGTERM).
    const signal = String(kill.Actor.Attributes.signal)
    return {
      signal: ({'2': 'SIGINT', '15': 'SIGTERM', '9': 'SIGKILL'} as Record<string, string>)[signal] ?? signal,
      ms: (die.timeNano - kill.timeNano) / 1e6,
    }
  }

  before(async () => {
    ;[postgresImage] = await Promise.all([buildPostgresImages(), buildStandinImage()])
    world = await createWorld(WORLD)
    feed = await startFeedServer(pgappFeed(['1.0.0']))
    recipeDir = join(world.home, 'recipes', 'pgapp')
    writePgRecipe()
  })

  after(async () => {
    await feed?.close()
    if (world) await destroyWorld(world)
  })

  it('install: PostgreSQL first, initialised with the generated password; the migration runs before traffic', async () => {
    const {code, stderr} = await discodeJson(world, ['install', APP, '--recipe', recipeDir, '--set', `hostname=${HOST}`])
    assert.equal(code, 0, stderr)
    assert.equal((await get('/cgi-bin/schema')).body, 'id,version,at\n1.0.0\n')
    assert.equal(await visits(), 1)
    assert.equal(await visits(), 2)
    assert.equal(
      await psql("select count(*) from pg_stat_activity where datname = 'app' and query like '%pg_sleep%' and pid <> pg_backend_pid()"),
      '1',
      'the app holds a connection',
    )
    assert.deepEqual(await runningWorkers(), ['1.0.0', '1.0.0'], 'the worker runs its 2 replicas')
  })

  it('update: the migration changes the schema while requests write rows and jobs are enqueued; 0 failed, every job once', async () => {
    feed.setFeed(pgappFeed(['1.0.0', '1.1.0']))
    const before = Number(await psql('select count(*) from visits'))
    let jobs = {switchedAt: '', enqueued: 0}
    const result = await loadDuring(`${world.url}/cgi-bin/visit`, {host: HOST}, async () => {
      jobs = await enqueueDuring(async () => {
        const {code, stderr} = await discodeJson(world, ['update', APP, '--no-snapshot'])
        assert.equal(code, 0, stderr)
      })
    })
    assertNoFailedRequests(result)
    assert.equal((await get('/cgi-bin/schema')).body, 'id,version,at,agent\n1.0.0,1.1.0\n')
    assert.equal(Number(await psql('select count(*) from visits')), before + result.total, 'every request wrote its row')
    assert.ok(
      [...result.bodies.keys()].some((body) => body.startsWith('version=1.1.0')),
      'the new release answered',
    )
    await assertJobs(jobs.switchedAt, '1.1.0', jobs.enqueued)
    assert.deepEqual(await runningWorkers(), ['1.1.0', '1.1.0'], 'exactly the declared workers, of the new release')
    const {json} = await discodeJson(world, ['status', APP, '--offline'])
    assert.deepEqual(
      json.apps[0].processes.map((p: {name: string; wanted: number; running: number}) => [p.name, p.wanted, p.running]),
      [['worker', 2, 2]],
    )
  })

  it('plain rollback moves the web and the worker back: 0 failed requests, every job once', async () => {
    let jobs = {switchedAt: '', enqueued: 0}
    const result = await loadDuring(`${world.url}/cgi-bin/visit`, {host: HOST}, async () => {
      jobs = await enqueueDuring(async () => {
        const {code, stderr} = await discodeJson(world, ['rollback', APP])
        assert.equal(code, 0, stderr)
      })
    })
    assertNoFailedRequests(result)
    await assertJobs(jobs.switchedAt, '1.0.0', jobs.enqueued)
    assert.deepEqual(await runningWorkers(), ['1.0.0', '1.0.0'])
    const logs = await discode(world, ['logs', APP, '--process', 'worker', '--tail', '5'])
    assert.equal(logs.code, 0, logs.stderr)
    assert.match(logs.stdout + logs.stderr, /pgapp 1\.0\.0 worker: /)
  })

  it('a worker that never becomes healthy fails the update before the old workers stop; the web is switched back', async () => {
    writePgRecipe(undefined, '/never-ready')
    const startedAt = async () =>
      (await docker(['ps', '-q', '--filter', `label=discode.process=worker`, '--filter', `label=discode.app=${APP}`])).stdout
    const before = await startedAt()
    let failed = {code: 0, stderr: '', json: {error: {code: '', hint: ''}}}
    const result = await loadDuring(`${world.url}/cgi-bin/visit`, {host: HOST}, async () => {
      failed = await discodeJson(world, ['update', APP, '--no-snapshot'])
    })
    assert.notEqual(failed.code, 0)
    assert.equal(failed.json.error?.code, 'PROCESS_UNHEALTHY', failed.stderr)
    assert.match(failed.json.error.hint, /1\.0\.0 serves again and its processes kept running/)
    assertNoFailedRequests(result)
    assert.match((await get('/cgi-bin/visit')).body, /^version=1\.0\.0 /)
    assert.deepEqual(await runningWorkers(), ['1.0.0', '1.0.0'])
    assert.equal(await startedAt(), before, 'the same worker containers, never stopped')
    // Forward again (the vendor's fixed recipe) for the tests below.
    writePgRecipe()
    const again = await discodeJson(world, ['update', APP, '--no-snapshot'])
    assert.equal(again.code, 0, again.stderr)
    assert.deepEqual(await runningWorkers(), ['1.1.0', '1.1.0'])
  })

  it('backup dumps with pg_dump; restore brings the rows back with pg_restore', async () => {
    const {code, json, stderr} = await discodeJson(world, ['backup', APP])
    assert.equal(code, 0, stderr)
    snapshotId = json.id
    const saved = await psql('select count(*) from visits')
    await visits()
    await visits()
    assert.notEqual(await psql('select count(*) from visits'), saved)
    const restored = await discodeJson(world, ['restore', APP, snapshotId, '--yes'])
    assert.equal(restored.code, 0, restored.stderr)
    assert.equal(await psql('select count(*) from visits'), saved)
    assert.match((await get('/cgi-bin/visit')).body, /^version=1\.1\.0 visits=\d+\n$/)
    assert.deepEqual(await runningWorkers(), ['1.1.0', '1.1.0'], 'the workers are back on the restored data')
  })

  it('update --accessories replaces PostgreSQL with the app connected: stopped with its own signal, promptly', async () => {
    writePgRecipe(['postgres-start', '-c', 'max_connections=50'])
    const rows = Number(await psql('select count(*) from visits'))
    const oldDb = (await docker(['inspect', '--format', '{{.Id}}', DB])).stdout.trim()
    const started = Date.now()
    const {code, stderr} = await discodeJson(world, ['update', APP, '--accessories', '--no-snapshot'])
    assert.equal(code, 0, stderr)
    const stop = await lastStop(oldDb, started - 1000)
    assert.equal(stop.signal, 'SIGINT', "PostgreSQL's STOPSIGNAL (a fast shutdown), not SIGTERM (a smart one, waiting for every client)")
    assert.ok(stop.ms < 2000, `PostgreSQL stopped in ${Math.round(stop.ms)} ms with the app connected`)
    assert.equal(await psql('show max_connections'), '50')
    assert.equal(Number(await psql('select count(*) from visits')), rows, 'the data is on the same volume')
    assert.equal(await visits(), rows + 1, 'the app reconnected')
  })

  it('uninstall removes the containers and keeps the database volume', async () => {
    const {code, stderr} = await discode(world, ['uninstall', APP])
    assert.equal(code, 0, stderr)
    assert.deepEqual(await allAppContainers(APP), [])
    assert.equal((await docker(['volume', 'inspect', '--format', '{{.Name}}', `${DB}-data`])).stdout.trim(), `${DB}-data`)
  })
})
