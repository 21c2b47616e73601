/**
 * Secret hygiene, end to end. An app whose recipe has a generated secret and a `secret: true` input
 * with a known value (a license key, which the vendor's feed URL also carries, as vendors do) goes
 * through install, update, status, update --check, logs, failing updates, uninstall and reinstall.
 * Neither secret may appear (whole, or any 12-character piece of it) in any command's output, in any
 * container's labels or command line, in any process's argument list while an update runs, or in a
 * file under DISCODE_HOME that others can read. Recipes cannot reach prototypes through Handlebars.
 */
import assert from 'node:assert/strict'
import {randomBytes} from 'node:crypto'
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {before, describe, it} from 'node:test'

import {assertCleanFailure, containerEnv, shown, walk} from '../support/checks.js'
import {allAppContainers, discode, feedOf, type RunResult, writeRecipe} from '../support/discode.js'
import {httpGet} from '../support/http.js'
import {docker} from '../support/images.js'
import {useWorld} from '../support/world.js'

const APP = 'sec-app'
const HOST = 'sec.test'
const LICENSE = `LK-${randomBytes(12).toString('hex')}`
/** Given at install through DISCODE_REGISTRY_PASSWORD, with --registry-user. */
const REGISTRY_PASSWORD = `RP-${randomBytes(12).toString('base64url')}`
/** Pieces of a secret this long count as a leak (a truncated or partly masked secret is still one). */
const PIECE = 12

function isEmptyDir(path: string): boolean {
  try {
    return readdirSync(path).length === 0
  } catch {
    return true // gone meanwhile
  }
}

/** The first piece of `secret` found in `text`, if any. */
function leakedPiece(text: string, secret: string): string | undefined {
  for (let i = 0; i + PIECE <= secret.length; i++) {
    const piece = secret.slice(i, i + PIECE)
    if (text.includes(piece)) return piece
  }
  return undefined
}

describe('secret hygiene', () => {
  const {world, feed, cleanup} = useWorld('sec')
  let scratch: string
  let recipeDir: string
  /** The known secret input and the generated secret (read from secrets.json after install). */
  const secrets: {name: string; value: string}[] = [
    {name: 'license_key', value: LICENSE},
    {name: 'registry password', value: REGISTRY_PASSWORD},
  ]
  /** Every leak found, by where it was found; asserted empty per step and at the end. */
  const leaks: string[] = []
  /** What the commands that showed a secret printed, for the failure messages. */
  const printed: string[] = []

  // The shell stays alive through the sleep, so the /proc poll can see the hook's command line.
  const HOOK_OK = {
    preSwitch: [{name: 'migrate', run: ['/bin/sh', '-c', 'echo "migrating to $APP_VERSION"; sleep 2; echo migrated']}],
    postSwitch: [],
  }

  function recipe(extra: Record<string, unknown> = {}) {
    return writeRecipe(recipeDir, `${feed.url}?license={{inputs.license_key}}`, {
      inputs: [
        {name: 'hostname', required: true, pattern: '^[a-z0-9.-]+$'},
        {name: 'license_key', description: 'Your license key', required: true, secret: true, pattern: '^LK-[0-9a-f]+$'},
      ],
      secrets: {secret_key_base: {generate: 'hex', length: 64}},
      env: {APP_HOST: '{{inputs.hostname}}', SECRET_KEY_BASE: '{{secrets.secret_key_base}}', LICENSE_KEY: '{{inputs.license_key}}'},
      // As vendors do: the customer's license key is the password of their private registry.
      registry: {username: 'customer', password: '{{inputs.license_key}}'},
      hooks: HOOK_OK,
      ...extra,
    })
  }

  function scan(where: string, text: string): string[] {
    const found: string[] = []
    for (const {name, value} of secrets) {
      const piece = leakedPiece(text, value)
      if (piece) found.push(`${where}: ${name} (${text.includes(value) ? 'whole value' : `piece "${piece}"`})`)
    }
    leaks.push(...found)
    return found
  }

  /** Runs discode and notes any secret either stream shows (asserted by assertNoLeaksSince). */
  async function run(label: string, args: string[], input?: string): Promise<RunResult> {
    const result = await discode(world, args, {input})
    const found = [...scan(`${label} stdout`, result.stdout), ...scan(`${label} stderr`, result.stderr)]
    if (found.length > 0) printed.push(`discode ${args.join(' ')} printed:\n${result.stdout}${result.stderr}`)
    return result
  }

  /** Where the leak and printed lists stood when a test started. */
  function startMark() {
    return {leaks: leaks.length, printed: printed.length}
  }

  /** No leak noted since `mark`. */
  function assertNoLeaksSince(mark: {leaks: number; printed: number}) {
    assert.deepEqual(leaks.slice(mark.leaks), [], `no secret shown\n${printed.slice(mark.printed).join('\n')}`)
  }

  /** Labels, command and entrypoint of every container of the app, and of the proxy. */
  async function containerLeaks(): Promise<string[]> {
    const names = [...(await allAppContainers(APP)), world.proxyContainer]
    const found: string[] = []
    for (const name of names) {
      const inspected = await docker([
        'inspect',
        '--format',
        '{{json .Config.Labels}}|{{json .Config.Cmd}}|{{json .Config.Entrypoint}}|{{json .Args}}|{{json .Path}}',
        name,
      ]).catch(
        () => undefined, // gone meanwhile
      )
      if (inspected) found.push(...scan(`container ${name} labels/cmd/entrypoint/args`, inspected.stdout))
    }
    return found
  }

  /** Files under DISCODE_HOME that hold a secret and others can read; directories open to others. */
  function fileLeaks(): string[] {
    const found: string[] = []
    for (const entry of walk(world.home)) {
      if (entry.dir) {
        // An empty directory (proper-lockfile's lock) shows nothing, and its parent is 0700 anyway.
        if (entry.mode !== 0o700 && !isEmptyDir(entry.path)) found.push(`directory ${entry.path} has mode ${entry.mode.toString(8)}`)
        continue
      }
      let text: string
      try {
        text = readFileSync(entry.path, 'utf8')
      } catch {
        continue
      }
      if (secrets.some(({value}) => leakedPiece(text, value)) && entry.mode !== 0o600)
        found.push(`${entry.path} holds a secret with mode ${entry.mode.toString(8)}`)
    }
    leaks.push(...found)
    return found
  }

  async function assertNoLeakAtRest() {
    assert.deepEqual(await containerLeaks(), [], 'no secret in container labels or command lines')
    assert.deepEqual(fileLeaks(), [], 'secrets only in 0600 files, in 0700 directories')
  }

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'discode-sec-recipes-'))
    cleanup(() => rmSync(scratch, {recursive: true, force: true}))
    recipeDir = join(scratch, 'secapp')
    recipe()
  })

  it('install: the app gets both secrets, discode shows neither', async () => {
    // The license key from a file (--set-file) and the registry password through the environment:
    // neither is ever in a process argument list.
    const licenseFile = join(scratch, 'license.txt')
    writeFileSync(licenseFile, `${LICENSE}\n`, {mode: 0o600})
    const result = await discode({...world, env: {...world.env, DISCODE_REGISTRY_PASSWORD: REGISTRY_PASSWORD}}, [
      'install',
      APP,
      '--recipe',
      recipeDir,
      '--set',
      `hostname=${HOST}`,
      '--set-file',
      `license_key=${licenseFile}`,
      '--registry-user',
      'customer-7',
    ])
    assert.equal(result.code, 0, shown(result))
    assert.doesNotMatch(result.stderr, /secret input/, 'no warning: nothing secret was in the arguments')
    const stored = JSON.parse(readFileSync(join(world.home, 'apps', APP, 'secrets.json'), 'utf8'))
    assert.equal(stored.registry?.password, REGISTRY_PASSWORD, 'the registry password is kept in secrets.json')
    const generated: string = stored.generated?.secret_key_base
    assert.match(generated, /^[0-9a-f]{64}$/, 'the generated secret is kept in secrets.json')
    assert.equal(stored.inputs?.license_key, LICENSE, 'the secret input is kept in secrets.json')
    secrets.push({name: 'secret_key_base', value: generated})
    assert.deepEqual([...scan('install stdout', result.stdout), ...scan('install stderr', result.stderr)], [], shown(result))

    const [container] = await allAppContainers(APP)
    const env = await containerEnv(container)
    assert.equal(env.LICENSE_KEY, LICENSE)
    assert.equal(env.SECRET_KEY_BASE, generated)
    assert.equal((await httpGet(`${world.url}/`, {host: HOST})).body, 'version=1.0.0\n')
    assert.deepEqual(scan('app.json', readFileSync(join(world.home, 'apps', APP, 'app.json'), 'utf8')), [], 'app.json holds no secret')
    await assertNoLeakAtRest()
  })

  it('update: no secret in any process argument list, container, output or open file while it runs', async () => {
    const mark = startMark()
    feed.setFeed(
      feedOf([
        {version: '1.0.0', tag: '1.0.0'},
        {version: '1.1.0', tag: '1.1.0'},
      ]),
    )
    const poll = startPolling()
    let result: RunResult
    try {
      // The license key given again, this time on standard input (--set-file KEY=-), as from a password manager.
      result = await run('update', ['update', APP, '--set-file', 'license_key=-'], `${LICENSE}\n`)
    } finally {
      await poll.stop()
    }
    assert.equal(result.code, 0, shown(result))
    assert.doesNotMatch(result.stderr, /secret input|not applied/, 'read from stdin: no warning, and applied')
    assert.equal(JSON.parse(readFileSync(join(world.home, 'apps', APP, 'secrets.json'), 'utf8')).inputs?.license_key, LICENSE)
    assert.ok(poll.rounds > 3, `the /proc poll ran ${poll.rounds} rounds`)
    assert.ok(poll.sawUpdate, 'the poll saw the update running (its discode process)')
    assert.ok(poll.sawHook, 'the poll saw the preSwitch hook run (its one-off container)')
    assert.deepEqual(poll.found, [], 'no secret in process arguments, container labels/commands, or open files during the update')
    assert.equal((await httpGet(`${world.url}/`, {host: HOST})).body, 'version=1.1.0\n')
    await assertNoLeakAtRest()
    assertNoLeaksSince(mark)
  })

  it("status, update --check and the proxy's status and logs, as text and --json", async () => {
    const mark = startMark()
    feed.setFeed(
      feedOf([
        {version: '1.0.0', tag: '1.0.0'},
        {version: '1.1.0', tag: '1.1.0'},
        {version: '1.2.0', tag: '1.2.0'},
      ]),
    )
    for (const args of [
      ['status'],
      ['status', '--json'],
      ['status', APP, '--json'],
      ['update', APP, '--check'],
      ['update', APP, '--check', '--json'],
      ['proxy', 'status', '--json'],
      ['proxy', 'logs'],
    ]) {
      const result = await run(args.join(' '), args)
      assert.equal(result.code, 0, shown(result))
    }
    assertNoLeaksSince(mark)
  })

  it('logs', async () => {
    const mark = startMark()
    for (const args of [
      ['logs', APP],
      ['logs', APP, '--tail', '5'],
    ]) {
      const result = await run(args.join(' '), args)
      assert.equal(result.code, 0, shown(result))
    }
    assertNoLeaksSince(mark)
  })

  describe('failing updates print their error paths without a secret', () => {
    it('a release that never becomes healthy (its log lines are shown)', async () => {
      const mark = startMark()
      feed.setFeed(
        feedOf([
          {version: '1.1.0', tag: '1.1.0'},
          {version: '1.3.0', tag: 'unhealthy'},
          {version: '1.4.0', tag: 'crash'},
        ]),
      )
      assertCleanFailure(await run('update --to 1.3.0', ['update', APP, '--to', '1.3.0']), /^Error: 1\.3\.0 was not deployed/)
      assert.equal((await run('update --to 1.3.0 --json', ['update', APP, '--to', '1.3.0', '--json'])).code, 1)
      assertCleanFailure(await run('update --to 1.4.0', ['update', APP, '--to', '1.4.0']), /^Error: 1\.4\.0 was not deployed/)
      await assertNoLeakAtRest()
      assertNoLeaksSince(mark)
    })

    it('a feed that is broken (its URL carries the license key)', async () => {
      const mark = startMark()
      feed.setRaw('<html>maintenance</html>', {contentType: 'text/html'})
      try {
        assertCleanFailure(await run('update (feed not JSON)', ['update', APP]), /^Error: feed .* is not JSON/)
        assert.equal((await run('update --json (feed not JSON)', ['update', APP, '--json'])).code, 1)
        assert.equal((await run('update --check --json (feed not JSON)', ['update', APP, '--check', '--json'])).code, 1)
        for (const args of [['status', '--json'], ['status']]) {
          const status = await run(`${args.join(' ')} (feed not JSON)`, args)
          assert.equal(status.code, 0, shown(status))
        }
        feed.setRaw('{}', {status: 503})
        const unavailable = await run('update (feed 503)', ['update', APP])
        assert.equal(unavailable.code, 1, shown(unavailable))
        assert.match(unavailable.stderr, /^Error: feed .*503/m)
      } finally {
        feed.setFeed(
          feedOf([
            {version: '1.1.0', tag: '1.1.0'},
            {version: '1.2.0', tag: '1.2.0'},
          ]),
        )
      }
      assertNoLeaksSince(mark)
    })

    it('a preSwitch hook that fails (its output is shown)', async () => {
      const mark = startMark()
      recipe({hooks: {preSwitch: [{name: 'migrate', run: ['/bin/sh', '-c', 'echo "migration 7 failed" >&2; exit 3']}], postSwitch: []}})
      try {
        assertCleanFailure(
          await run('update (hook fails)', ['update', APP]),
          /^Error: 1\.2\.0 was not deployed: preSwitch hook "migrate" failed \(exit 3\)/,
        )
        assert.equal((await run('update --json (hook fails)', ['update', APP, '--json'])).code, 1)
      } finally {
        recipe()
      }
      await assertNoLeakAtRest()
      assertNoLeaksSince(mark)
    })

    it("a vendor's recipe that puts a secret where a path belongs (the render error names the key, not the value)", async () => {
      const mark = startMark()
      recipe({health: {path: '{{secrets.secret_key_base}}', interval: '200ms', timeout: '2s', deployTimeout: '6s'}})
      try {
        assertCleanFailure(await run('update (render error)', ['update', APP]), /^Error: .*health\.path/)
        assert.equal((await run('update --json (render error)', ['update', APP, '--json'])).code, 1)
      } finally {
        recipe()
      }
      assertNoLeaksSince(mark)
    })

    it('the app keeps serving 1.1.0 through all of it', async () => {
      assert.equal((await httpGet(`${world.url}/`, {host: HOST})).body, 'version=1.1.0\n')
    })
  })

  it('uninstall (keep) then reinstall: the same secrets come back, none shown', async () => {
    const mark = startMark()
    const removed = await run('uninstall --json', ['uninstall', APP, '--json'])
    assert.equal(removed.code, 0, shown(removed))
    assert.deepEqual(await allAppContainers(APP), [])
    assert.deepEqual(fileLeaks(), [])

    // Inputs and secrets were kept: no --set needed, and nothing secret on the command line.
    const again = await run('reinstall', ['install', APP, '--recipe', recipeDir, '--version', '1.1.0'])
    assert.equal(again.code, 0, shown(again))
    const [container] = await allAppContainers(APP)
    const env = await containerEnv(container)
    assert.equal(env.LICENSE_KEY, LICENSE, 'the kept license key')
    assert.equal(env.SECRET_KEY_BASE, secrets.find((s) => s.name === 'secret_key_base')!.value, 'the kept generated secret')
    await assertNoLeakAtRest()
    assertNoLeaksSince(mark)
  })

  it('no secret anywhere, over the whole run', () => {
    assert.deepEqual([...new Set(leaks)], [])
  })

  // ------------------------------------------------------------------------- Handlebars prototypes

  describe('Handlebars runs without prototype access', () => {
    function protoRecipe(name: string, env: Record<string, string>) {
      return writeRecipe(join(scratch, name), feed.url, {env: {APP_HOST: '{{inputs.hostname}}', ...env}})
    }

    for (const template of [
      '{{constructor.constructor}}',
      '{{inputs.__proto__}}',
      '{{inputs.constructor}}',
      '{{secrets.__proto__.constructor}}',
    ]) {
      it(`recipes validate refuses ${template}`, async () => {
        const dir = protoRecipe(`proto-${randomBytes(3).toString('hex')}`, {PROTO: template})
        const result = await discode(world, ['recipes', 'validate', dir])
        assertCleanFailure(result, /^Error: .*problem/)
        assert.match(result.stderr, /env\.PROTO: unknown variable/, shown(result))
      })
    }

    it('templates that reach for prototypes indirectly render nothing (or are refused)', async () => {
      const env = {
        P_LOOKUP: '{{lookup inputs "constructor"}}',
        P_WITH: '{{#with inputs}}{{__proto__}}{{/with}}',
        P_NESTED: '{{#with (lookup secrets "constructor")}}{{name}}{{/with}}',
        P_TOSTRING: '{{#with inputs}}{{#with __proto__}}x{{toString}}{{/with}}{{/with}}',
      }
      const dir = protoRecipe('proto-indirect', env)
      const result = await discode(world, ['install', 'sec-proto', '--recipe', dir, '--set', 'hostname=sec-proto.test'])
      if (result.code !== 0) {
        assertCleanFailure(result, /^Error: /)
        assert.deepEqual(await allAppContainers('sec-proto'), [])
        return
      }
      const [container] = await allAppContainers('sec-proto')
      const rendered = await containerEnv(container)
      for (const name of Object.keys(env)) assert.equal(rendered[name], '', `${name} rendered ${JSON.stringify(rendered[name])}`)
    })

    it('a template that dereferences a prototype property fails cleanly at install and leaves nothing', async () => {
      const dir = protoRecipe('proto-deref', {P_NAME: '{{#with inputs}}{{constructor.name}}{{/with}}'})
      const result = await discode(world, ['install', 'sec-proto2', '--recipe', dir, '--set', 'hostname=sec-proto2.test'])
      if (result.code === 0) {
        const [container] = await allAppContainers('sec-proto2')
        assert.equal((await containerEnv(container)).P_NAME, '', 'renders nothing')
        return
      }
      assertCleanFailure(result, /^Error: .*env\.P_NAME/)
      assert.deepEqual(await allAppContainers('sec-proto2'), [])
    })
  })

  // --------------------------------------------------------------------------- polling while busy

  /**
   * Polls, until stopped (at most 5 minutes): every process's argument list (/proc/PID/cmdline,
   * which covers container processes too), the labels and commands of the app's containers
   * (including one-off hook containers), and the modes of files under DISCODE_HOME.
   */
  function startPolling() {
    const state = {rounds: 0, found: [] as string[], sawUpdate: false, sawHook: false}
    let stopped = false
    const deadline = Date.now() + 5 * 60_000
    const seen = new Set<string>()
    const note = (items: string[]) => {
      for (const item of items) {
        if (seen.has(item)) continue
        seen.add(item)
        state.found.push(item)
      }
    }
    const procLoop = (async () => {
      while (!stopped && Date.now() < deadline) {
        for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
          let cmdline: string
          try {
            cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
          } catch {
            continue // exited meanwhile
          }
          if (cmdline.includes('run.js update sec-app')) state.sawUpdate = true
          if (cmdline.includes('migrating to')) state.sawHook = true
          const hits = secrets.flatMap(({name, value}) =>
            leakedPiece(cmdline, value) ? [`process ${pid} (${cmdline.slice(0, 200)}): ${name}`] : [],
          )
          note(hits)
        }
        note(fileLeaks())
        state.rounds++
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
    })()
    const dockerLoop = (async () => {
      while (!stopped && Date.now() < deadline) {
        note(await containerLeaks())
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
    })()
    return {
      get rounds() {
        return state.rounds
      },
      get found() {
        return state.found
      },
      get sawUpdate() {
        return state.sawUpdate
      },
      get sawHook() {
        return state.sawHook
      },
      async stop() {
        stopped = true
        await Promise.all([procLoop, dockerLoop])
      },
    }
  }
})
