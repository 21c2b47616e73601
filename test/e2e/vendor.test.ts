/**
 * A vendor ships a plugin by docs/vendors.md alone: its walkthrough, command by command as the guide
 * shows them (only the image registry, the feed's URL and the npm registry are ones on 127.0.0.1),
 * from `recipes init` through `feed add` (digest from the real local registry), `feed sign`, the
 * scaffold's own `npm install && npm test` (nothing but npm's registry), `recipes test` (0 failed
 * requests), `npm publish` to a local verdaccio, to `discode plugins install`. Then `recipes test`
 * against a release that never becomes healthy exits 1 naming the reason, Ctrl-C cleans up, and
 * nothing is left behind.
 */
import assert from 'node:assert/strict'
import {execFile, spawn} from 'node:child_process'
import {verify} from 'node:crypto'
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {parseDocument} from 'yaml'

import {parsePublicKey} from '../../src/feed/keys.js'
import {buildStandinImage, ROOT} from '../support/discode.js'
import {buildAndPushTestImages, docker, REGISTRY} from '../support/images.js'
import {npmEnv, startVerdaccio, type Verdaccio} from '../support/verdaccio.js'
import {guideWalkthrough, substitute} from '../support/walkthrough.js'

const BIN = join(ROOT, 'bin', 'run.js')
/** The guide's image repository, as the walkthrough's `docker push` finds it here. */
const SHOP = `${REGISTRY}/acme/shop`

interface Run {
  code: number
  stdout: string
  stderr: string
}

function run(command: string, args: string[], options: {cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number} = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {cwd: options.cwd, env: options.env ?? process.env, timeout: options.timeoutMs ?? 300_000, maxBuffer: 16 * 1024 * 1024},
      (error, stdout, stderr) => {
        const code = error ? (typeof (error as {code?: unknown}).code === 'number' ? ((error as {code: number}).code as number) : 1) : 0
        resolve({code, stdout: String(stdout), stderr: String(stderr)})
      },
    )
  })
}

/** A static server for the files of `dir` (the vendor's feed.json and feed.json.sig), on 127.0.0.1. */
function serveFiles(dir: () => string): Promise<{server: Server; url: string}> {
  const server = createServer((req, res) => {
    const name = new URL(req.url ?? '/', 'http://x').pathname.slice(1)
    const file = join(dir(), name)
    if (!/^feed\.json(\.sig)?$/.test(name) || !existsSync(file)) return void res.writeHead(404).end()
    res.writeHead(200, {'content-type': name.endsWith('.sig') ? 'text/plain' : 'application/json'}).end(readFileSync(file))
  })
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () => ok({server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.json`})),
  )
}

/** Names of every container, network and volume the check could have made (its names start so). */
async function checkObjects(): Promise<string[]> {
  const lines = async (args: string[]) => (await docker(args)).stdout.split('\n').filter(Boolean)
  const all = [
    ...(await lines(['ps', '-a', '--format', '{{.Names}}'])).map((n) => `container ${n}`),
    ...(await lines(['network', 'ls', '--format', '{{.Name}}'])).map((n) => `network ${n}`),
    ...(await lines(['volume', 'ls', '--format', '{{.Name}}'])).map((n) => `volume ${n}`),
  ]
  return all.filter((line) => /\s(discode-check-|check-[0-9a-f]{8})/.test(line)).sort()
}

describe('a vendor ships a plugin by the walkthrough of docs/vendors.md', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'discode-vendor-'))
  const work = join(tmp, 'work')
  const plugin = join(work, 'discode-shop')
  let env: NodeJS.ProcessEnv
  let registry: Verdaccio
  let feed: {server: Server; url: string}
  let before_: string[]
  const outputs = new Map<string, Run>()
  const discode = (args: string[], timeoutMs?: number) => run(process.execPath, [BIN, ...args], {env, timeoutMs})

  before(async () => {
    const [images, standin, verdaccio] = await Promise.all([
      buildAndPushTestImages(),
      buildStandinImage(),
      startVerdaccio({scopes: ['@acme']}),
    ])
    registry = verdaccio
    // The vendor's images, built: the walkthrough pushes them itself.
    for (const tag of ['1.0.0', '1.1.0', 'unhealthy'] as const) await docker(['tag', images.tags[tag], `${SHOP}:${tag}`])
    feed = await serveFiles(() => plugin)
    // `discode` on the PATH is this build; npm publishes the @acme scope to verdaccio and installs the rest from npm's registry.
    const bin = join(tmp, 'bin')
    mkdirSync(bin)
    writeFileSync(join(bin, 'discode'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`)
    chmodSync(join(bin, 'discode'), 0o755)
    const port = new URL(registry.url).port
    writeFileSync(
      join(tmp, 'npmrc'),
      `@acme:registry=${registry.url}\n//127.0.0.1:${port}/:_authToken=discode-tests-fake-token\nfund=false\naudit=false\nupdate-notifier=false\n`,
    )
    const {NODE_TEST_CONTEXT: _, ...outer} = npmEnv()
    env = {
      ...outer,
      PATH: `${bin}:${process.env.PATH}`,
      NO_COLOR: '1',
      DISCODE_HOME: join(tmp, 'home'),
      DISCODE_PROXY_IMAGE: standin,
      XDG_DATA_HOME: join(tmp, 'xdg-data'),
      XDG_CACHE_HOME: join(tmp, 'xdg-cache'),
      XDG_CONFIG_HOME: join(tmp, 'xdg-config'),
      npm_config_userconfig: join(tmp, 'npmrc'),
    }
    mkdirSync(work)
    before_ = await checkObjects()
  })

  after(async () => {
    feed?.server.close()
    await registry?.stop()
    await docker(['image', 'rm', `${SHOP}:1.0.0`, `${SHOP}:1.1.0`, `${SHOP}:unhealthy`]).catch(() => {})
    rmSync(tmp, {recursive: true, force: true})
  })

  it('runs every command of the walkthrough as written, each exiting 0', async () => {
    const commands = guideWalkthrough()
    assert.ok(commands.length >= 12, commands.join('\n'))
    let cwd = work
    for (const written of commands) {
      const command = substitute(written, [
        ['https://releases.example.com/shop/feed.json', feed.url],
        ['registry.example.com', REGISTRY],
      ])
      if (command.startsWith('cd ')) {
        cwd = resolve(cwd, command.slice(3).trim())
        continue
      }
      const result = await run('bash', ['-c', command], {cwd, env, timeoutMs: 600_000})
      assert.equal(result.code, 0, `$ ${command}\n${result.stdout}${result.stderr}`)
      outputs.set(written.split(' ').slice(0, 3).join(' '), result)
    }
  })

  it('ends with a tested plugin whose feed is signed and pinned by digest, installed from the npm registry', async () => {
    const tested = outputs.get('discode recipes test')
    assert.match(tested?.stdout ?? '', /requests: [1-9]\d*, failed: 0,/)
    assert.match(tested?.stdout ?? '', /Release check passed/)
    assert.match(outputs.get('npm test')?.stdout ?? '', /# pass 2/)

    const bytes = readFileSync(join(plugin, 'feed.json'))
    const {releases} = JSON.parse(bytes.toString()) as {releases: {version: string; image: string}[]}
    assert.deepEqual(
      releases.map((r) => r.version),
      ['1.0.0', '1.1.0'],
    )
    for (const release of releases) assert.match(release.image, new RegExp(`^${SHOP.replace(/\./g, '\\.')}@sha256:[a-f0-9]{64}$`))
    const publicKey = readFileSync(join(plugin, 'keys', 'feed.pub'), 'utf8').trim()
    const signature = Buffer.from(readFileSync(join(plugin, 'feed.json.sig'), 'utf8').trim(), 'base64')
    assert.equal(verify(null, bytes, parsePublicKey(publicKey), signature), true, 'feed.json.sig verifies with keys/feed.pub')

    const plugins = await discode(['plugins', '--json'])
    assert.equal(plugins.code, 0, plugins.stderr)
    const installed = (JSON.parse(plugins.stdout) as {name: string; version: string}[]).find((p) => p.name === '@acme/discode-shop')
    assert.equal(installed?.version, '0.1.0', 'installed from the npm registry')
    assert.equal(
      existsSync(join(env.XDG_DATA_HOME!, 'discode', 'node_modules', '@acme', 'discode-shop', 'dist', 'hooks', 'pre-switch.js')),
      true,
    )
    assert.deepEqual(await checkObjects(), before_)
  })

  it("recipes test runs customers' plain rollback and checks a worker after each step: a data choice without a declaration, ok with one", async () => {
    // The walkthrough's recipe, as a recipe directory, with a migration (a preSwitch hook) and a worker.
    const dir = join(tmp, 'worker-recipe')
    mkdirSync(dir)
    const recipe = parseDocument(readFileSync(join(plugin, 'recipes', 'shop', 'recipe.yml'), 'utf8'))
    recipe.set('init', true)
    recipe.set('hooks', recipe.createNode({preSwitch: [{name: 'migrate', run: ['true']}]}))
    recipe.set('processes', recipe.createNode({worker: {command: 'sleep 3600', replicas: 2, health: {settle: '300ms'}}}))
    writeFileSync(join(dir, 'recipe.yml'), recipe.toString())
    const check = ['recipes', 'test', dir, '--from', '1.0.0', '--to', '1.1.0']

    const undeclared = await discode([...check, '--json'], 600_000)
    assert.equal(undeclared.code, 0, undeclared.stdout + undeclared.stderr)
    const report = JSON.parse(undeclared.stdout) as {
      plainRollback: string
      operations: {operation: string; ok: boolean; flags?: string[]; needsDataChoice?: boolean; processes?: unknown[]}[]
    }
    assert.equal(report.plainRollback, 'needs-data-choice')
    assert.deepEqual(
      report.operations.map((run) => [run.operation, ...(run.flags ?? []), run.needsDataChoice ? 'needs a data choice' : run.ok]),
      [
        ['install', true],
        ['update', true],
        ['rollback', 'needs a data choice'],
        ['rollback', '--keep-data', true],
      ],
    )
    const worker = (version: string) => [{name: 'worker', wanted: 2, running: 2, versions: [version, version]}]
    assert.deepEqual(
      report.operations.filter((run) => !run.needsDataChoice).map((run) => run.processes),
      [worker('1.0.0'), worker('1.1.0'), worker('1.0.0')],
    )

    // The same migration, declared expand-only (without the worker: checked above).
    recipe.set('migrations', 'expand-only')
    recipe.delete('processes')
    writeFileSync(join(dir, 'recipe.yml'), recipe.toString())
    const declared = await discode(check, 600_000)
    assert.equal(declared.code, 0, declared.stdout + declared.stderr)
    assert.match(declared.stdout, /\n {2}rollback: ok in \d+ ms/)
    assert.doesNotMatch(declared.stdout, /data choice|--keep-data/)
    assert.deepEqual(await checkObjects(), before_)
  })

  it('recipes validate refuses a feedKey that is not a key', async () => {
    const typo = join(tmp, 'typo')
    mkdirSync(typo)
    const recipe = parseDocument(readFileSync(join(plugin, 'recipes', 'shop', 'recipe.yml'), 'utf8'))
    recipe.set('feedKey', 'not-a-key')
    writeFileSync(join(typo, 'recipe.yml'), recipe.toString())
    const refused = await discode(['recipes', 'validate', typo])
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /recipe\.yml:\d+:\d+: feedKey: "not-a-key" is not an ed25519 public key/)
  })

  it('recipes test against a release that never becomes healthy exits 1 naming the reason, and cleans up', async () => {
    await docker(['push', `${SHOP}:unhealthy`])
    // A short health budget, so that the failing update gives up quickly.
    const file = join(plugin, 'recipes', 'shop', 'recipe.yml')
    const recipe = parseDocument(readFileSync(file, 'utf8'))
    recipe.setIn(['health', 'interval'], '200ms')
    recipe.setIn(['health', 'deployTimeout'], '5s')
    writeFileSync(file, recipe.toString())
    const feedArgs = ['feed.json', '--image', `${SHOP}:unhealthy`, '--version', '1.2.0', '--channel', 'beta']
    for (const args of [
      ['feed', 'add', ...feedArgs],
      ['feed', 'sign', 'feed.json', '--key', 'keys/feed.key'],
    ]) {
      const step = await run(process.execPath, [BIN, ...args], {cwd: plugin, env})
      assert.equal(step.code, 0, step.stderr)
    }
    const result = await discode(['recipes', 'test', plugin, '--from', '1.0.0', '--to', '1.2.0'], 600_000)
    assert.equal(result.code, 1, result.stdout + result.stderr)
    assert.match(result.stderr, /Error: update failed: 1\.2\.0 was not deployed/)
    assert.match(result.stdout, /update: FAILED/)
    assert.match(result.stdout, /failed: 0,/, 'the old release kept serving')
    assert.deepEqual(await checkObjects(), before_)
  })

  it('recipes test interrupted with Ctrl-C (SIGINT) during the update removes everything it created', async () => {
    const child = spawn(process.execPath, [BIN, 'recipes', 'test', plugin, '--from', '1.0.0', '--to', '1.1.0'], {env})
    let stderr = ''
    let interrupted = false
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk
      if (!interrupted && stderr.includes('Updating to 1.1.0')) {
        interrupted = true
        child.kill('SIGINT')
      }
    })
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    assert.ok(interrupted, stderr)
    assert.equal(code, 1, stderr)
    assert.match(stderr, /Interrupted: removing what the check created/)
    assert.match(stderr, /Error: interrupted; everything the check created was removed/)
    assert.deepEqual(await checkObjects(), before_)
  })

  it('an install of an unknown recipe leaves no apps/NAME behind', async () => {
    const result = await discode(['install', 'nosuch', '--yes'])
    assert.equal(result.code, 1)
    assert.match(result.stderr, /no recipe "nosuch"/)
    assert.equal(existsSync(join(env.DISCODE_HOME!, 'apps', 'nosuch')), false)
  })
})
