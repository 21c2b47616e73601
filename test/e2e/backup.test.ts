/**
 * Backups end to end, on real parts: an app (busybox httpd) serving files from its volume and a
 * "database" accessory (keys as files in its volume) declaring a tar-based dump/restore, plus a
 * "cache" accessory with a volume and no dump (copied while stopped). A snapshot brings back exactly
 * the bytes (sha256) with no failed request during the restore; a tampered snapshot is refused and
 * nothing changes; a full disk fails cleanly; SIGKILL during backup and restore is recovered by the
 * next command; uninstall --purge asks, snapshots, and a copied snapshot brings the app back.
 */
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {createHash, randomBytes} from 'node:crypto'
import {cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {stringify} from 'yaml'

import {ACCESSORY_APP_REPOSITORY, ACCESSORY_DB_REPOSITORY, accessoryFeed, buildAndPushAccessoryImages} from '../support/accessory-images.js'
import {buildStandinImage, createWorld, destroyWorld, discode, discodeJson, ROOT, runCommand, type World} from '../support/discode.js'
import {eventually, type FeedServer, httpGet, startFeedServer, startRequestLoop} from '../support/http.js'
import {docker} from '../support/images.js'

const WORLD = 'bkup'
const APP = 'bkup-app'
const HOST = 'bkup.test'

/** The manifest fields the tamper tests edit. */
type Forged = {parts: {kind: string; file: string; accessory?: string}[]}

const sha = (data: Buffer | string) => createHash('sha256').update(data).digest('hex')

describe('backup and restore: exact bytes, zero failed requests, crash-safe, disaster recovery', () => {
  let world: World
  let feed: FeedServer
  let recipeDir: string
  let original: string
  let snapshotId: string

  const get = (path: string) => httpGet(`${world.url}${path}`, {host: HOST, timeoutMs: 15_000})
  const db = async (query: string) => (await get(`/cgi-bin/db?${query}`)).body.trim()
  const appContainer = async () => (await discodeJson(world, ['status', APP, '--offline'])).json.apps[0].container as string
  /** The app "writes" a file into its volume (served at /files/NAME). */
  const writeFile = async (name: string, data: string) => {
    const file = join(world.home, 'upload')
    writeFileSync(file, data)
    await docker(['cp', file, `${await appContainer()}:/www/files/${name}`])
  }
  const fileHash = async (name: string) => {
    const response = await get(`/files/${name}`)
    return response.status === 200 ? sha(response.body) : `status ${response.status}`
  }

  before(async () => {
    await Promise.all([buildAndPushAccessoryImages(), buildStandinImage()])
    world = await createWorld(WORLD)
    feed = await startFeedServer(accessoryFeed(['1.0.0']))
    recipeDir = join(world.home, 'recipes', 'bkapp')
    mkdirSync(recipeDir, {recursive: true})
    const recipe = {
      name: 'bkapp',
      image: ACCESSORY_APP_REPOSITORY,
      port: 80,
      health: {path: '/up', interval: '200ms', timeout: '2s', deployTimeout: '10s'},
      feed: feed.url,
      inputs: [{name: 'hostname', required: true}],
      secrets: {db_password: {generate: 'hex', length: 32}},
      env: {DB_HOST: '{{accessories.db.host}}', DB_PORT: '{{accessories.db.port}}', DB_PASSWORD: '{{secrets.db_password}}'},
      volumes: [{name: 'files', path: '/www/files'}],
      proxy: {host: '{{inputs.hostname}}'},
      pause: {maxPause: '60s'},
      accessories: {
        db: {
          image: `${ACCESSORY_DB_REPOSITORY}:1`,
          port: 7000,
          env: {DB_PASSWORD: '{{secrets.db_password}}'},
          volumes: [{name: 'data', path: '/var/lib/db'}],
          health: {cmd: ['/bin/wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:7000/healthz']},
          backup: {
            dump: ['tar', '-C', '/var/lib/db', '-cf', '-', '.'],
            restore: ['sh', '-c', 'rm -rf /var/lib/db/* && tar -C /var/lib/db -xf -'],
          },
        },
        cache: {
          image: `${ACCESSORY_DB_REPOSITORY}:1`,
          port: 7000,
          volumes: [{name: 'state', path: '/var/lib/db'}],
          health: {path: '/healthz'},
        },
      },
    }
    writeFileSync(join(recipeDir, 'recipe.yml'), stringify(recipe))
    const installed = await discode(world, ['install', APP, '--recipe', recipeDir, '--set', `hostname=${HOST}`])
    assert.equal(installed.code, 0, installed.stderr)
  })

  after(async () => {
    await feed?.close()
    if (world) await destroyWorld(world)
  })

  it('backup takes a private, checksummed snapshot of volumes, accessories, record and secrets', async () => {
    original = randomBytes(150_000).toString('hex')
    await writeFile('photo.txt', original)
    assert.equal(await db('op=put&key=one&value=first'), 'stored one')
    assert.equal(await fileHash('photo.txt'), sha(original))

    const {code, json, stderr} = await discodeJson(world, ['backup', APP])
    assert.equal(code, 0, stderr)
    snapshotId = json.id
    assert.equal(json.containsSecrets, true)
    const dir = json.dir as string
    assert.equal(statSync(dir).mode & 0o777, 0o700)
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))
    assert.deepEqual(manifest.parts.map((p: {kind: string}) => p.kind).sort(), [
      'accessory-dump',
      'accessory-volume',
      'record',
      'secrets',
      'volume',
    ])
    for (const part of manifest.parts) {
      const data = readFileSync(join(dir, part.file))
      assert.equal(sha(data), part.sha256, part.file)
      assert.equal(statSync(join(dir, part.file)).mode & 0o777, 0o600, part.file)
    }
    assert.equal(manifest.versions.release, '1.0.0')

    const list = await discodeJson(world, ['backup', 'list', APP, '--verify'])
    assert.equal(list.json.snapshots.length, 1)
    assert.equal(list.json.snapshots[0].verified, true)
    assert.equal(list.json.snapshots[0].trigger, 'manual')
  })

  it('restore brings back exactly the bytes, with 0 failed requests while the data is replaced', async () => {
    await writeFile('photo.txt', randomBytes(500).toString('hex'))
    await writeFile('new.txt', 'new')
    assert.equal(await db('op=put&key=one&value=second'), 'stored one')

    const loop = startRequestLoop(`${world.url}/`, {host: HOST, concurrency: 4, timeoutMs: 70_000})
    await new Promise((resolve) => setTimeout(resolve, 500))
    const restored = await discodeJson(world, ['restore', APP, snapshotId, '--yes'])
    const result = await loop.stop()
    assert.equal(restored.code, 0, restored.stderr)
    console.log(`# restore: ${result.total} requests, ${result.failures} failed, longest ${Math.round(result.maxLatencyMs)} ms`)
    assert.equal(result.failures, 0, `failed requests: ${result.failureSamples.join(' | ')}`)
    assert.ok(result.total > 0)

    assert.equal(await fileHash('photo.txt'), sha(original))
    assert.equal((await get('/files/new.txt')).status, 404, 'a file written after the snapshot is gone')
    assert.equal(await db('op=get&key=one'), 'first')
  })

  it('restore without --yes and without a terminal asks for it and changes nothing', async () => {
    const refused = await discode(world, ['restore', APP, snapshotId])
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /needs confirmation/)
    assert.match(refused.stderr, /Hint: Add --yes/)
  })

  it("names cannot collide: no app mounts another app's volume or container, nor the proxy's state volume", async () => {
    const other = join(world.home, 'recipes', 'other')
    mkdirSync(other, {recursive: true})
    const recipe = (extra: Record<string, unknown>) =>
      writeFileSync(
        join(other, 'recipe.yml'),
        stringify({name: 'other', image: ACCESSORY_APP_REPOSITORY, port: 80, feed: feed.url, volumes: [], ...extra}),
      )
    const before = await dockerState()
    // App "bkup" with volume "app-files" makes bkup-app-files: the volume of app bkup-app.
    recipe({volumes: [{name: 'app-files', path: '/www/files'}]})
    const volume = await discodeJson(world, ['install', 'bkup', '--recipe', other])
    assert.equal(volume.json.error?.code, 'NAME_TAKEN', volume.stderr)
    assert.match(volume.json.error.message, /volume bkup-app-files needed by bkup belongs to the app bkup-app/)
    // ... and with accessory "app-db", bkup-app's database container.
    recipe({accessories: {'app-db': {image: `${ACCESSORY_DB_REPOSITORY}:1`, port: 7000}}})
    const container = await discodeJson(world, ['install', 'bkup', '--recipe', other])
    assert.equal(container.json.error?.code, 'NAME_TAKEN', container.stderr)
    assert.match(container.json.error.message, /container bkup-app-db needed by bkup belongs to the app bkup-app/)
    // An app named like the proxy's prefix with a volume "<rest>-config": the proxy's state volume (every TLS key).
    const prefix = world.proxyContainer.slice(0, world.proxyContainer.lastIndexOf('-proxy'))
    recipe({volumes: [{name: `${world.proxyContainer.slice(prefix.length + 1)}-config`, path: '/www/files'}]})
    const proxy = await discodeJson(world, ['install', prefix, '--recipe', other])
    assert.equal(proxy.json.error?.code, 'NAME_RESERVED', proxy.stderr)
    assert.deepEqual(await dockerState(), before, "bkup-app's volumes and containers are untouched")

    // The proxy never takes an app's volume for its state.
    const otherProxy = `${world.proxyContainer}2`
    await docker(['volume', 'create', '--label', `discode.app=${APP}`, `${otherProxy}-config`])
    try {
      const boot = await discode({...world, env: {...world.env, DISCODE_PROXY_CONTAINER: otherProxy}}, ['proxy', 'boot', '--json'])
      assert.equal(JSON.parse(boot.stdout).error?.code, 'NAME_TAKEN', boot.stderr)
      assert.equal((await docker(['ps', '-aq', '--filter', `name=^${otherProxy}$`])).stdout.trim(), '', 'no proxy container was made')
    } finally {
      await docker(['volume', 'rm', '-f', `${otherProxy}-config`])
    }
  })

  it('a tampered snapshot is refused before anything is touched', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'bkup-tamper-'))
    const snapshots = (await discodeJson(world, ['backup', 'list', APP])).json.snapshots as {id: string; dir: string}[]
    cpSync(snapshots.find((s) => s.id === snapshotId)!.dir, copy, {recursive: true})
    const tar = join(copy, 'volumes', 'files.tar')
    const bytes = readFileSync(tar)
    bytes[bytes.length - 2000] ^= 0xff
    writeFileSync(tar, bytes)
    await writeFile('photo.txt', 'changed after the snapshot')
    const container = await appContainer()

    const refused = await discodeJson(world, ['restore', APP, copy, '--yes'])
    assert.equal(refused.code, 1)
    assert.equal(refused.json.error.code, 'SNAPSHOT_CORRUPT')
    assert.match(refused.json.error.message, /files\.tar does not match its checksum/)
    assert.equal(await fileHash('photo.txt'), sha('changed after the snapshot'), 'the data is untouched')
    assert.equal(await appContainer(), container)
    rmSync(copy, {recursive: true, force: true})
  })

  it('tampered manifests (a foreign accessory, .. in a file, no MAC) are refused before anything is touched', async () => {
    const source = (await discodeJson(world, ['backup', 'list', APP])).json.snapshots.find((s: {id: string}) => s.id === snapshotId).dir
    /** A copy of the snapshot with its manifest edited (its MAC is then wrong, or removed with `dropMac`). */
    const tampered = (edit: (manifest: Forged, dir: string) => void, dropMac = false) => {
      const copy = mkdtempSync(join(tmpdir(), 'bkup-forged-'))
      cpSync(source, copy, {recursive: true})
      const manifest = JSON.parse(readFileSync(join(copy, 'manifest.json'), 'utf8'))
      edit(manifest, copy)
      writeFileSync(join(copy, 'manifest.json'), JSON.stringify(manifest, null, 2))
      if (dropMac) rmSync(join(copy, 'manifest.mac'))
      return copy
    }
    // A foreign accessory: blog-db would be app bkup-app-blog's database (container bkup-app-blog-db).
    const foreign = (manifest: Forged, dir: string) => {
      const dump = manifest.parts.find((p) => p.kind === 'accessory-dump')!
      mkdirSync(join(dir, 'accessories', 'blog-db'), {recursive: true})
      cpSync(join(dir, dump.file), join(dir, 'accessories', 'blog-db', 'dump'))
      manifest.parts.push({...dump, accessory: 'blog-db', file: 'accessories/blog-db/dump'})
    }
    const outside = (manifest: Forged) => {
      manifest.parts.find((p) => p.kind === 'volume')!.file = 'volumes/../../../../etc/hostname'
    }
    const before = await dockerState()
    const cases: [string, string, string[], RegExp][] = [
      [tampered(foreign), 'SNAPSHOT_TAMPERED', [], /not the one discode wrote/],
      [tampered(foreign, true), 'SNAPSHOT_UNAUTHENTICATED', [], /carries no manifest MAC/],
      [tampered(foreign, true), 'SNAPSHOT_REFUSED', ['--trust-unauthenticated'], /accessory blog-db the recipe does not declare/],
      [tampered(outside, true), 'SNAPSHOT_CORRUPT', ['--trust-unauthenticated'], /not a path inside the snapshot/],
    ]
    for (const [copy, code, flags, message] of cases) {
      const refused = await discodeJson(world, ['restore', APP, copy, '--yes', ...flags])
      assert.equal(refused.json.error?.code, code, `${message}: ${refused.stderr}`)
      assert.match(refused.json.error.message, message)
      rmSync(copy, {recursive: true, force: true})
    }
    assert.deepEqual(await dockerState(), before, 'no volume, container or record changed')
  })

  it('a full backup disk fails cleanly and leaves no complete-looking snapshot', async () => {
    const small = mkdtempSync(join(tmpdir(), 'bkup-full-'))
    await runCommand('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', small])
    try {
      await writeFile('big.txt', randomBytes(100_000).toString('hex'))
      const serving = await fileHash('photo.txt')
      const full = await discodeJson(world, ['backup', APP, '--dir', small])
      assert.equal(full.code, 1)
      assert.equal(full.json.error.code, 'BACKUP_DISK_FULL')
      assert.deepEqual(existsSync(join(small, APP)) ? readdirSync(join(small, APP)) : [], [], 'nothing is left behind')
      assert.equal(await fileHash('photo.txt'), serving, 'the app still serves')
    } finally {
      await runCommand('umount', [small])
      rmSync(small, {recursive: true, force: true})
    }
  })

  it('SIGKILL during a backup leaves no snapshot; the next backup cleans up and succeeds', async () => {
    const before = (await discodeJson(world, ['backup', 'list', APP])).json.snapshots.length
    await killWhen(
      ['backup', APP],
      async () =>
        (await docker(['ps', '-aq', '--filter', `label=discode.hook=backup`, '--filter', `label=discode.app=${APP}`])).stdout.trim() !== '',
    )
    const partials = readdirSync(join(world.home, 'backups', APP)).filter((name) => name.startsWith('.'))
    assert.equal((await discodeJson(world, ['backup', 'list', APP])).json.snapshots.length, before, 'no snapshot claims to be complete')
    const again = await discodeJson(world, ['backup', APP])
    assert.equal(again.code, 0, again.stderr)
    assert.ok(
      readdirSync(join(world.home, 'backups', APP)).every((name) => !partials.includes(name)),
      'the partial directory was removed',
    )
  })

  it('SIGKILL during a restore: the next command finishes it before anything else', async () => {
    const pending = join(world.home, 'apps', APP, 'restore-pending.json')
    await killWhen(['restore', APP, snapshotId, '--yes'], async () => existsSync(pending))
    assert.ok(existsSync(pending), 'the restore was interrupted')
    const status = await discode(world, ['status', APP, '--offline'])
    assert.equal(status.code, 0, status.stderr)
    assert.match(
      status.stderr.replace(/\s*›\s*/g, ' ').replace(/\s+/g, ' '),
      /A restore of bkup-app from snapshot \S+ \(.*\) was interrupted: finishing it first/,
    )
    assert.ok(!existsSync(pending))
    await eventually(async () => ((await fileHash('photo.txt')) === sha(original) ? true : undefined), {timeoutMs: 30_000})
    assert.equal(await db('op=get&key=one'), 'first')
  })

  it('an encrypted snapshot holds no readable secret and restores only with its passphrase', async () => {
    const passFile = join(world.home, 'pass')
    writeFileSync(passFile, 'tr0ub4dor &3\n')
    const wrongFile = join(world.home, 'wrong')
    writeFileSync(wrongFile, 'guess\n')
    const encrypted = await discodeJson(world, ['backup', APP, '--encrypt', '--passphrase-file', passFile])
    assert.equal(encrypted.code, 0, encrypted.stderr)
    assert.equal(encrypted.json.manifest.encrypted, true)
    const secret = JSON.parse(readFileSync(join(world.home, 'apps', APP, 'secrets.json'), 'utf8')).generated.db_password as string
    for (const part of encrypted.json.manifest.parts as {file: string}[]) {
      assert.ok(!readFileSync(join(encrypted.json.dir, part.file)).includes(secret), `${part.file} does not hold the secret`)
    }
    await writeFile('photo.txt', 'after the encrypted snapshot')
    const noPassphrase = await discodeJson(world, ['restore', APP, encrypted.json.id, '--yes'])
    assert.equal(noPassphrase.json.error.code, 'PASSPHRASE_REQUIRED')
    const wrong = await discodeJson(world, ['restore', APP, encrypted.json.id, '--yes', '--passphrase-file', wrongFile])
    assert.equal(wrong.json.error.code, 'BAD_PASSPHRASE')
    assert.equal(await fileHash('photo.txt'), sha('after the encrypted snapshot'), 'nothing changed')
    // encrypted flipped to false (files renamed to match): the MAC no longer verifies.
    const flipped = mkdtempSync(join(tmpdir(), 'bkup-flipped-'))
    cpSync(encrypted.json.dir, flipped, {recursive: true})
    const manifest = JSON.parse(readFileSync(join(flipped, 'manifest.json'), 'utf8'))
    manifest.encrypted = false
    for (const part of manifest.parts) {
      renameSync(join(flipped, part.file), join(flipped, part.file.replace(/\.age$/, '')))
      part.file = part.file.replace(/\.age$/, '')
    }
    writeFileSync(join(flipped, 'manifest.json'), JSON.stringify(manifest, null, 2))
    const before = await dockerState()
    const forged = await discodeJson(world, ['restore', APP, flipped, '--yes', '--passphrase-file', passFile])
    assert.equal(forged.json.error?.code, 'SNAPSHOT_TAMPERED', forged.stderr)
    // A plain snapshot (authentic, from before the app encrypted) is never restored into it again.
    const plain = await discodeJson(world, ['restore', APP, snapshotId, '--yes', '--trust-unauthenticated'])
    assert.equal(plain.json.error?.code, 'SNAPSHOT_NOT_ENCRYPTED', plain.stderr)
    assert.deepEqual(await dockerState(), before, 'nothing was touched')
    rmSync(flipped, {recursive: true, force: true})

    const right = await discodeJson(world, ['restore', APP, encrypted.json.id, '--yes', '--passphrase-file', passFile])
    assert.equal(right.code, 0, right.stderr)
    assert.equal(await fileHash('photo.txt'), sha(original))
    assert.equal(await db('op=get&key=one'), 'first')
  })

  it('uninstall --purge asks without --yes; with it, a final snapshot is taken; restore of a copy brings the app back', async () => {
    const refused = await discode(world, ['uninstall', APP, '--purge'])
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /needs confirmation/)
    assert.equal(await fileHash('photo.txt'), sha(original), 'nothing was removed')

    const purged = await discodeJson(world, ['uninstall', APP, '--purge', '--yes'])
    assert.equal(purged.code, 0, purged.stderr)
    assert.ok(purged.json.finalSnapshot, 'a final snapshot was taken')
    // Automatic, no passphrase given: encrypted all the same, since the app encrypts its snapshots.
    const final = JSON.parse(readFileSync(join(purged.json.finalSnapshot, 'manifest.json'), 'utf8'))
    assert.equal(final.trigger, 'pre-purge')
    assert.equal(final.encrypted, true)
    assert.ok(
      final.parts.every((p: {file: string}) => p.file.endsWith('.age')),
      'every part is encrypted',
    )
    assert.ok(existsSync(join(purged.json.finalSnapshot, 'key.age')))
    // As if copied to another machine: the snapshot directory is all that is needed.
    const copy = mkdtempSync(join(tmpdir(), 'bkup-dr-'))
    cpSync(purged.json.finalSnapshot, join(copy, 'snap'), {recursive: true})
    rmSync(join(world.home, 'backups'), {recursive: true, force: true})
    assert.equal((await docker(['volume', 'ls', '-q', '--filter', `label=discode.app=${APP}`])).stdout.trim(), '')

    // Another registry in the manifest (its MAC removed, and trusted): a disaster recovery does not pull from it.
    const evil = join(copy, 'evil')
    cpSync(join(copy, 'snap'), evil, {recursive: true})
    const manifest = JSON.parse(readFileSync(join(evil, 'manifest.json'), 'utf8'))
    manifest.versions.image = '127.0.0.1:5999/evil/app:1.0.0'
    writeFileSync(join(evil, 'manifest.json'), JSON.stringify(manifest, null, 2))
    rmSync(join(evil, 'manifest.mac'))
    const pass = ['--passphrase-file', join(world.home, 'pass')]
    const refused2 = await discodeJson(world, ['restore', APP, evil, '--yes', '--trust-unauthenticated', ...pass])
    assert.equal(refused2.json.error?.code, 'SNAPSHOT_REFUSED', refused2.stderr)
    assert.match(refused2.json.error.message, /not from the recipe's repository/)
    assert.ok(!existsSync(join(world.home, 'apps', APP, 'app.json')), 'no record was written')
    assert.equal((await docker(['volume', 'ls', '-q', '--filter', `label=discode.app=${APP}`])).stdout.trim(), '')

    const restored = await discodeJson(world, ['restore', APP, join(copy, 'snap'), '--yes', ...pass])
    assert.equal(restored.code, 0, restored.stderr)
    assert.equal(restored.json.mode, 'recover')
    const record = JSON.parse(readFileSync(join(world.home, 'apps', APP, 'app.json'), 'utf8'))
    assert.equal(record.backup.encrypted, true, 'the restored app goes on encrypting its snapshots')
    await eventually(async () => ((await fileHash('photo.txt')) === sha(original) ? true : undefined), {timeoutMs: 30_000})
    assert.equal(await db('op=get&key=one'), 'first')
    rmSync(copy, {recursive: true, force: true})
  })

  /** The app's volumes (with their creation time: a recreated one differs), containers, and record. */
  async function dockerState() {
    const names = (await docker(['volume', 'ls', '-q', '--filter', `label=discode.app=${APP}`])).stdout.split('\n').filter(Boolean)
    const volumes = names.length ? (await docker(['volume', 'inspect', '--format', '{{.Name}} {{.CreatedAt}}', ...names])).stdout : ''
    const containers = (await docker(['ps', '-a', '--filter', `label=discode.app=${APP}`, '--format', '{{.ID}} {{.Names}} {{.State}}']))
      .stdout
    const record = readFileSync(join(world.home, 'apps', APP, 'app.json'), 'utf8')
    return {volumes: volumes.split('\n').sort(), containers: containers.split('\n').sort(), record}
  }

  /** Runs discode and SIGKILLs it once `ready` says so (polled). */
  async function killWhen(args: string[], ready: () => Promise<boolean>): Promise<void> {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'run.js'), ...args], {env: world.env, stdio: 'ignore'})
    const exited = new Promise((resolve) => child.on('exit', resolve))
    await eventually(async () => ((await ready()) ? true : undefined), {timeoutMs: 60_000, intervalMs: 20})
    child.kill('SIGKILL')
    await exited
  }
})
