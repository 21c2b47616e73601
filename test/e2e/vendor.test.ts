/**
 * A vendor ships a plugin from the docs alone: `recipes init`, point the recipe at an image and a feed
 * (the test images, a feed on 127.0.0.1), `recipes validate`, run the scaffold's own hook test with
 * only @discode/types installed (plus the compiler), build it, and `recipes test` the release update:
 * 0 failed requests and exit 0 for 1.0.0 → 1.1.0; exit 1 naming the reason for a release that never
 * becomes healthy. The check leaves no container, network or volume behind.
 */
import assert from 'node:assert/strict'
import {execFile, spawn} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {parseDocument} from 'yaml'

import {buildStandinImage, ROOT} from '../support/discode.js'
import {startFeedServer, type FeedServer} from '../support/http.js'
import {buildAndPushTestImages, docker, REPOSITORY} from '../support/images.js'

const BIN = join(ROOT, 'bin', 'run.js')

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

describe('a vendor ships a plugin from the docs alone', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'discode-vendor-'))
  const plugin = join(tmp, 'discode-shop')
  const env: NodeJS.ProcessEnv = {...process.env, NO_COLOR: '1', DISCODE_HOME: join(tmp, 'home')}
  let feed: FeedServer
  let before_: string[]
  const discode = (args: string[], timeoutMs?: number) => run(process.execPath, [BIN, ...args], {env, timeoutMs})

  before(async () => {
    const [, standin] = await Promise.all([buildAndPushTestImages(), buildStandinImage()])
    env.DISCODE_PROXY_IMAGE = standin
    feed = await startFeedServer({
      releases: [
        {version: '1.0.0', image: `${REPOSITORY}:1.0.0`},
        {version: '1.1.0', image: `${REPOSITORY}:1.1.0`},
        {version: '1.2.0', image: `${REPOSITORY}:unhealthy`, channel: 'beta'},
      ],
    })
    before_ = await checkObjects()
  })

  after(async () => {
    await feed?.close()
    rmSync(tmp, {recursive: true, force: true})
  })

  it('recipes init writes a plugin whose recipe validates once pointed at the image and feed', async () => {
    const init = await discode(['recipes', 'init', plugin])
    assert.equal(init.code, 0, init.stderr)
    const file = join(plugin, 'recipes', 'shop', 'recipe.yml')
    const generated = await discode(['recipes', 'validate', join(plugin, 'recipes', 'shop')])
    assert.equal(generated.code, 0, generated.stderr)

    // What the vendor edits: the image and the feed (comments are kept), and a short health timeout.
    const recipe = parseDocument(readFileSync(file, 'utf8'))
    recipe.set('image', REPOSITORY)
    recipe.set('feed', feed.url)
    recipe.setIn(['health', 'interval'], '200ms')
    recipe.setIn(['health', 'deployTimeout'], '5s')
    writeFileSync(file, recipe.toString())
    const edited = await discode(['recipes', 'validate', join(plugin, 'recipes', 'shop')])
    assert.equal(edited.code, 0, edited.stderr)
    assert.match(readFileSync(file, 'utf8'), /# the container port the proxy sends traffic to/)

    // The typo from the issue: a feedKey that is not a key.
    const typo = join(tmp, 'typo')
    mkdirSync(typo)
    recipe.set('feedKey', 'not-a-key')
    writeFileSync(join(typo, 'recipe.yml'), recipe.toString())
    const refused = await discode(['recipes', 'validate', typo])
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /feedKey: "not-a-key" is not an ed25519 public key/)
  })

  it("the scaffold's hook test passes with only @discode/types installed, and the plugin builds", async () => {
    // @discode/types from its packed tarball, as npm would install it; the compiler and Node's types
    // are the toolchain (linked from this repository's node_modules).
    const packed = await run('npm', ['pack', '--silent', '--pack-destination', tmp], {cwd: join(ROOT, 'packages', 'discode-types')})
    assert.equal(packed.code, 0, packed.stderr)
    const types = join(plugin, 'node_modules', '@discode', 'types')
    mkdirSync(types, {recursive: true})
    mkdirSync(join(plugin, 'node_modules', '@types'), {recursive: true})
    mkdirSync(join(plugin, 'node_modules', '.bin'), {recursive: true})
    assert.equal((await run('tar', ['xzf', join(tmp, packed.stdout.trim()), '-C', types, '--strip-components=1'])).code, 0)
    symlinkSync(join(ROOT, 'node_modules', 'typescript'), join(plugin, 'node_modules', 'typescript'))
    symlinkSync(join(ROOT, 'node_modules', '@types', 'node'), join(plugin, 'node_modules', '@types', 'node'))
    symlinkSync('../typescript/bin/tsc', join(plugin, 'node_modules', '.bin', 'tsc'))

    // Without the outer test runner's NODE_TEST_CONTEXT, the scaffold's node --test prints its own report.
    const {NODE_TEST_CONTEXT: _, ...npmEnv} = process.env
    const test = await run('npm', ['test'], {cwd: plugin, env: npmEnv})
    assert.equal(test.code, 0, test.stdout + test.stderr)
    assert.match(test.stdout, /# pass 2/)
    const build = await run('npm', ['run', 'build'], {cwd: plugin, env: npmEnv})
    assert.equal(build.code, 0, build.stdout + build.stderr)
    assert.ok(existsSync(join(plugin, 'dist', 'hooks', 'pre-switch.js')))
  })

  it('recipes test 1.0.0 → 1.1.0: 0 failed requests, the hook ran, exit 0, nothing left behind', async () => {
    const result = await discode(['recipes', 'test', plugin, '--from', '1.0.0', '--to', '1.1.0', '--json'], 600_000)
    assert.equal(result.code, 0, result.stdout + result.stderr)
    const report = JSON.parse(result.stdout)
    assert.equal(report.ok, true)
    assert.deepEqual(report.problems, [])
    assert.equal(report.requests.failed, 0)
    assert.ok(report.requests.requests > 0, 'the request loop reached the app')
    assert.deepEqual(
      report.operations.map((o: {operation: string; ok: boolean}) => `${o.operation} ${o.ok}`),
      ['install true', 'update true', 'rollback true'],
    )
    // The plugin's pre-switch hook ran on the update (from the linked, built plugin).
    assert.ok(report.hooksMs.update > 0)
    assert.ok(report.stopMs.update >= 0 && report.stopMs.rollback >= 0)
    assert.deepEqual(await checkObjects(), before_)
  })

  it('recipes test against a release that never becomes healthy exits 1 naming the reason, and cleans up', async () => {
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
