/**
 * Bad input, end to end: broken recipes, odd input values, invalid app names, broken feeds, missing
 * images, a wrong port, no Docker, a proxy gone behind discode's back, and `--json` errors. Each
 * failure must be one `Error:` line naming the problem plus a `Hint:`, exit 1, and lose nothing: the
 * installed app keeps serving its version through the proxy, `discode status --json` still agrees,
 * no container is left over and the state files are unchanged where nothing should have changed.
 */
import assert from 'node:assert/strict'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {assertCleanFailure, assertJsonFailure, containerEnv, shown, withoutDocker} from '../support/checks.js'
import {allAppContainers, discode, discodeJson, feedOf, freePort, type World, writeRecipe} from '../support/discode.js'
import {eventually, type FeedServer, httpGet, startFeedServer} from '../support/http.js'
import {docker, REPOSITORY} from '../support/images.js'
import {useWorld} from '../support/world.js'

const APP = 'bad-app'
const HOST = 'bad.test'
const SERVING = 'version=1.0.0\n'
/** A feed with only the installed release: `status` reports no update, `update` has nothing to do. */
const ONLY_1_0_0 = feedOf([{version: '1.0.0', tag: '1.0.0'}])

describe('bad input: clear errors, nothing lost', () => {
  const {world, feed, cleanup} = useWorld('bad', {feed: ONLY_1_0_0})
  /** The installed app's feed. */
  /** The feed of the recipes that the install cases try to install. */
  let spare: FeedServer
  /** Recipes live outside DISCODE_HOME. */
  let scratch: string
  let recipeDir: string
  let spareRecipe: string
  /** What must not change: the app's containers and its state files. */
  let baseline: {containers: string[]; appJson: string; secretsJson: string}

  const appFile = (file: string) => join(world.home, 'apps', APP, file)
  const body = async (host = HOST) => (await httpGet(`${world.url}/`, {host})).body
  const run = (args: string[], on: World = world) => discode(on, args)

  /** The installed app still serves 1.0.0, status agrees, no leftover container, state unchanged. */
  async function assertIntact(options: {state?: boolean} = {}) {
    assert.equal(await body(), SERVING, 'the installed app keeps serving through the proxy')
    const status = await discodeJson(world, ['status', APP, '--offline'])
    assert.equal(status.code, 0, status.stderr)
    const app = status.json.apps.find((a: {app: string}) => a.app === APP)
    assert.equal(app?.version, '1.0.0', JSON.stringify(status.json))
    assert.equal(app?.health, 'serving', JSON.stringify(status.json))
    assert.deepEqual(await allAppContainers(APP), baseline.containers, 'no leftover container, none removed')
    if (options.state !== false) {
      assert.equal(readFileSync(appFile('app.json'), 'utf8'), baseline.appJson, 'app.json unchanged')
      assert.equal(readFileSync(appFile('secrets.json'), 'utf8'), baseline.secretsJson, 'secrets.json unchanged')
    }
  }

  /** Nothing of a failed install of `app` is installed: no container, status does not list it. */
  async function assertNotInstalled(app: string) {
    assert.deepEqual(await allAppContainers(app), [], `no container of ${app}`)
    const status = await discodeJson(world, ['status', '--offline'])
    assert.equal(status.code, 0, status.stderr)
    assert.ok(!status.json.apps.some((a: {app: string}) => a.app === app), `${app} is not listed: ${JSON.stringify(status.json)}`)
  }

  function recipeFile(name: string, text: string): string {
    const dir = join(scratch, name)
    mkdirSync(dir, {recursive: true})
    writeFileSync(join(dir, 'recipe.yml'), text)
    return dir
  }

  /** A valid recipe as text, for the cases that break one line of it. */
  function recipeText(feedUrl: string, lines: {env?: string[]; extra?: string[]} = {}): string {
    return [
      'name: testapp',
      `image: ${REPOSITORY}`,
      'port: 80',
      'health: {path: /up, interval: 200ms, timeout: 2s, deployTimeout: 6s}',
      `feed: ${feedUrl}`,
      'inputs:',
      '  - {name: hostname, required: true, pattern: "^[a-z0-9.-]+$"}',
      'env:',
      '  APP_HOST: "{{inputs.hostname}}"',
      ...(lines.env ?? []).map((line) => `  ${line}`),
      'proxy: {host: "{{inputs.hostname}}"}',
      ...(lines.extra ?? []),
      '',
    ].join('\n')
  }

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'discode-bad-recipes-'))
    cleanup(() => rmSync(scratch, {recursive: true, force: true}))
    spare = await startFeedServer(ONLY_1_0_0)
    cleanup(() => spare.close())
    recipeDir = writeRecipe(join(scratch, 'main'), feed.url)
    spareRecipe = writeRecipe(join(scratch, 'spare'), spare.url)
    const installed = await run(['install', APP, '--recipe', recipeDir, '--set', `hostname=${HOST}`])
    assert.equal(installed.code, 0, shown(installed))
    assert.equal(await body(), SERVING)
    baseline = {
      containers: await allAppContainers(APP),
      appJson: readFileSync(appFile('app.json'), 'utf8'),
      secretsJson: readFileSync(appFile('secrets.json'), 'utf8'),
    }
  })

  // ------------------------------------------------------------------------------------- recipes

  describe('broken recipes', () => {
    const app = 'bad-recipe'

    async function assertRecipeRefused(dir: string, error: RegExp) {
      const result = await run(['install', app, '--recipe', dir, '--set', 'hostname=bad-recipe.test'])
      assertCleanFailure(result, error, new RegExp(`discode recipes validate ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
      // (Its journal may record the refused operation; no app record or secrets are written.)
      for (const file of ['app.json', 'secrets.json'])
        assert.ok(!existsSync(join(world.home, 'apps', app, file)), `no ${file} for the refused app`)
      await assertNotInstalled(app)
      await assertIntact()
    }

    it('malformed YAML names the file, line and column', async () => {
      const dir = recipeFile('malformed', recipeText(spare.url).replace('port: 80', 'port: [80'))
      await assertRecipeRefused(dir, /^Error: .*malformed\/recipe\.yml:\d+:\d+: /)
    })

    it('an unknown (mistyped) key is named with a did-you-mean', async () => {
      const dir = recipeFile('typo', recipeText(spare.url).replace('port: 80', 'prot: 80'))
      await assertRecipeRefused(dir, /^Error: .*typo\/recipe\.yml: prot: unknown key \(did you mean "port"\?\)/)
    })

    it('a mistyped nested key is named with its key path', async () => {
      const dir = recipeFile(
        'nested',
        recipeText(spare.url, {extra: ['hooks:', '  preSwitch:', '    - {name: migrate, rnu: [/bin/true]}']}),
      )
      await assertRecipeRefused(dir, /^Error: .*nested\/recipe\.yml: hooks\.preSwitch\[0\]\.rnu: unknown key \(did you mean "run"\?\)/)
    })

    it('a template error ({{#if}} never closed) is named with its key path', async () => {
      const dir = recipeFile('unclosed', recipeText(spare.url, {env: ['GREETING: "{{#if inputs.hostname}}hello"']}))
      await assertRecipeRefused(dir, /^Error: .*unclosed\/recipe\.yml: env\.GREETING: is not a valid template/)
    })

    it('an unknown template variable is named, with a did-you-mean', async () => {
      const dir = recipeFile('variable', recipeText(spare.url, {env: ['GREETING: "hello {{inputs.hostnme}}"']}))
      await assertRecipeRefused(
        dir,
        /^Error: .*variable\/recipe\.yml: env\.GREETING: unknown variable "inputs\.hostnme" \(did you mean "inputs\.hostname"\?\)/,
      )
    })

    /** One recipe with many problems of every kind, and what `validate` must say about each. */
    const MANY = {
      text: () =>
        [
          'name: Bad_Name',
          `imgae: ${REPOSITORY}`,
          'port: 70000',
          `feed: ${spare.url}`,
          'health: {interval: soon}',
          'inputs:',
          '  - {name: hostname, required: true}',
          'env:',
          '  A: "{{#if inputs.hostname}}x"',
          '  B: "{{inputs.hostnme}}"',
          'hooks:',
          '  preSwitch:',
          '    - {name: migrate, rnu: [/bin/true]}',
          '',
        ].join('\n'),
      expected: [
        {path: 'name', reason: /"Bad_Name" is not a valid recipe name/},
        {path: 'imgae', reason: /unknown key \(did you mean "image"\?\)/},
        {path: 'port', reason: /70000/},
        {path: 'health.interval', reason: /"soon" is not a duration/},
        {path: 'env.A', reason: /is not a valid template/},
        {path: 'env.B', reason: /unknown variable "inputs\.hostnme"/},
        {path: 'hooks.preSwitch[0].rnu', reason: /unknown key \(did you mean "run"\?\)/},
      ],
    }

    it('recipes validate lists every problem with file, key path and reason', async () => {
      const dir = recipeFile('many', MANY.text())
      const result = await run(['recipes', 'validate', dir])
      assertCleanFailure(result, /^Error: .*problem/, /./)
      const lines = result.stderr.split('\n')
      for (const {path, reason} of MANY.expected) {
        const line = lines.find((l) => l.startsWith(`${join(dir, 'recipe.yml')}`) && l.includes(`: ${path}: `))
        assert.ok(line, `a line for ${path}\n${shown(result)}`)
        assert.match(line, reason, `the reason for ${path}`)
      }
      assert.match(result.stderr, new RegExp(`^Error: .*${MANY.expected.length} problem`, 'm'), 'the Error: line counts them')
    })

    it('recipes validate --json reports every problem in its one JSON document', async () => {
      const dir = recipeFile('many-json', MANY.text())
      const result = await run(['recipes', 'validate', dir, '--json'])
      assert.equal(result.code, 1, shown(result))
      let doc: {errors?: {file: string; path: string; message: string}[]}
      try {
        doc = JSON.parse(result.stdout)
      } catch {
        assert.fail(`stdout is not one JSON document\n${shown(result)}`)
      }
      for (const {path, reason} of MANY.expected) {
        const problem = doc.errors?.find((p) => p.path === path)
        assert.ok(problem, `the JSON lists ${path}\n${result.stdout}`)
        assert.equal(problem.file, join(dir, 'recipe.yml'))
        assert.match(problem.message, reason)
      }
    })

    it('recipes validate accepts a valid recipe', async () => {
      const result = await run(['recipes', 'validate', recipeDir])
      assert.equal(result.code, 0, shown(result))
    })
  })

  // ---------------------------------------------------------------------- values that are data

  describe('input values stay data', () => {
    const app = 'bad-vals'
    const NOTE =
      '{{app.name}} {{secrets.secret_key_base}} {{#if x}}\nkey: value\n- item # not a comment\n  indented: "quoted" \'single\' a=b \\ }}'
    let valsFeed: FeedServer

    before(async () => {
      valsFeed = await startFeedServer(ONLY_1_0_0)
    })
    after(async () => {
      await valsFeed?.close()
    })

    async function noteOf(container: string) {
      return (await containerEnv(container)).NOTE
    }

    it('a value with {{, newlines and YAML syntax is installed exactly, rendered once', async () => {
      const dir = writeRecipe(join(scratch, 'vals'), valsFeed.url, {
        inputs: [
          {name: 'hostname', required: true, pattern: '^[a-z0-9.-]+$'},
          {name: 'note', required: true},
        ],
        env: {APP_HOST: '{{inputs.hostname}}', NOTE: '{{inputs.note}}', SECRET_KEY_BASE: '{{secrets.secret_key_base}}'},
      })
      const {code, json, stderr} = await discodeJson(world, [
        'install',
        app,
        '--recipe',
        dir,
        '--set',
        'hostname=bad-vals.test',
        '--set',
        `note=${NOTE}`,
      ])
      assert.equal(code, 0, stderr)
      assert.equal(await noteOf(json.to.container), NOTE)
      assert.equal(await body('bad-vals.test'), SERVING)
      const record = JSON.parse(readFileSync(join(world.home, 'apps', app, 'app.json'), 'utf8'))
      assert.equal(record.inputs.note, NOTE, 'kept as given')
    })

    it('the same value survives an update exactly (kept, not re-rendered)', async () => {
      valsFeed.setFeed(
        feedOf([
          {version: '1.0.0', tag: '1.0.0'},
          {version: '1.1.0', tag: '1.1.0'},
        ]),
      )
      const {code, json, stderr} = await discodeJson(world, ['update', app])
      assert.equal(code, 0, stderr)
      assert.equal(json.to.version, '1.1.0')
      assert.equal(await noteOf(json.to.container), NOTE)
      assert.equal(await body('bad-vals.test'), 'version=1.1.0\n')
      await assertIntact()
    })
  })

  // ------------------------------------------------------------------------------- app names

  describe('app names', () => {
    const INVALID = ['Bad-upper', '../bad-x', `bad-${'x'.repeat(36)}`, '-bad-lead']

    for (const name of INVALID) {
      it(`refuses the app name ${JSON.stringify(name)} for install, update and uninstall`, async () => {
        for (const command of [['install', '--recipe', spareRecipe, '--set', 'hostname=bad-name.test'], ['update'], ['uninstall']]) {
          // `--` lets a name start with a hyphen.
          const result = await run([command[0], ...command.slice(1), '--', name])
          assertCleanFailure(result, new RegExp(`^Error: Invalid app name "${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`), /lowercase/)
        }
        assert.ok(!existsSync(join(world.home, 'apps', name)), 'no state was written')
        assert.ok(!existsSync(join(world.home, 'bad-x')), 'nothing was written outside DISCODE_HOME/apps')
        assert.deepEqual(await allAppContainers(name), [])
        await assertIntact()
      })
    }

    it('uninstall of an app that was never installed fails, and leaves nothing behind', async () => {
      for (const args of [
        ['uninstall', 'never-here'],
        ['uninstall', 'never-here', '--purge'],
      ]) {
        const result = await run(args)
        assertCleanFailure(result, /^Error: never-here is not installed/, /discode status/)
      }
      assert.ok(!existsSync(join(world.home, 'apps', 'never-here')), 'no directory, lock or journal for it')
      await assertIntact()
    })

    it('refuses an app name that is already installed', async () => {
      const result = await run(['install', APP, '--recipe', spareRecipe, '--set', 'hostname=other.test'])
      assertCleanFailure(result, /^Error: bad-app is already installed \(version 1\.0\.0\)/, /discode update bad-app/)
      await assertIntact()
    })
  })

  // ---------------------------------------------------------------------------------- feeds

  describe('feed problems', () => {
    const app = 'bad-feed'
    const installNew = (args: string[] = [], dir = spareRecipe) =>
      run(['install', app, '--recipe', dir, '--set', 'hostname=bad-feed.test', ...args])

    /** Breaks a feed for one case, and always mends it. */
    async function withFeed(server: FeedServer, breakIt: () => void, work: () => Promise<void>) {
      breakIt()
      try {
        await work()
      } finally {
        server.setFeed(ONLY_1_0_0)
      }
    }

    const cases: {name: string; breakIt: (server: FeedServer) => void; error: RegExp; hint: RegExp}[] = [
      {
        name: 'slow (no answer within the timeout)',
        breakIt: (server) => server.setRaw(JSON.stringify(ONLY_1_0_0), {delayMs: 120_000}),
        error: /^Error: feed http:\/\/127\.0\.0\.1:\d+\/feed\.json did not answer within \d+s/,
        hint: /network|feed URL/,
      },
      {
        name: 'huge (over the size limit)',
        breakIt: (server) => server.setRaw(JSON.stringify({...ONLY_1_0_0, padding: 'x'.repeat(3 * 1024 * 1024)})),
        error: /^Error: feed http:\/\/127\.0\.0\.1:\d+\/feed\.json is larger than 1 MiB/,
        hint: /./,
      },
      {
        name: 'an HTTP error (503)',
        breakIt: (server) => server.setRaw('{}', {status: 503}),
        error: /^Error: feed http:\/\/127\.0\.0\.1:\d+\/feed\.json answered HTTP 503/,
        hint: /./,
      },
      {
        name: 'not JSON',
        breakIt: (server) => server.setRaw('<html>Service Unavailable</html>', {contentType: 'text/html'}),
        error: /^Error: feed http:\/\/127\.0\.0\.1:\d+\/feed\.json is not JSON/,
        hint: /JSON/,
      },
      {
        name: 'a version that is not semver',
        breakIt: (server) => server.setFeed({releases: [{version: 'latest', image: `${REPOSITORY}:1.0.0`, channel: 'stable'}]}),
        error: /^Error: feed http:\/\/127\.0\.0\.1:\d+\/feed\.json: releases\[0\]\.version: "latest" is not semver/,
        hint: /vendor/,
      },
    ]

    it('unreachable feed (a closed port) at install', async () => {
      const port = await freePort()
      const dir = writeRecipe(join(scratch, 'closed'), `http://127.0.0.1:${port}/feed.json`)
      const result = await installNew([], dir)
      assertCleanFailure(
        result,
        new RegExp(`^Error: feed http://127\\.0\\.0\\.1:${port}/feed\\.json is unreachable: connection refused`),
        /network|feed URL/,
      )
      await assertNotInstalled(app)
      await assertIntact()
    })

    it('unreachable feed (a closed port) at update: keeps serving', async () => {
      const port = await freePort()
      writeRecipe(recipeDir, `http://127.0.0.1:${port}/feed.json`)
      try {
        const result = await run(['update', APP])
        assertCleanFailure(
          result,
          new RegExp(`^Error: feed http://127\\.0\\.0\\.1:${port}/feed\\.json is unreachable: connection refused`),
          /network|feed URL/,
        )
      } finally {
        writeRecipe(recipeDir, feed.url)
      }
      await assertIntact()
    })

    for (const c of cases) {
      it(`${c.name} at install`, async () => {
        await withFeed(
          spare,
          () => c.breakIt(spare),
          async () => {
            assertCleanFailure(await installNew(), c.error, c.hint)
          },
        )
        await assertNotInstalled(app)
        await assertIntact()
      })

      it(`${c.name} at update: keeps serving`, async () => {
        await withFeed(
          feed,
          () => c.breakIt(feed),
          async () => {
            assertCleanFailure(await run(['update', APP]), c.error, c.hint)
          },
        )
        await assertIntact()
      })
    }

    it('install --version / update --to a version that is not in the feed', async () => {
      assertCleanFailure(await installNew(['--version', '9.9.9']), /^Error: version 9\.9\.9 is not in the feed/, /1\.0\.0/)
      await assertNotInstalled(app)
      feed.setFeed(
        feedOf([
          {version: '1.0.0', tag: '1.0.0'},
          {version: '1.1.0', tag: '1.1.0'},
        ]),
      )
      try {
        assertCleanFailure(await run(['update', APP, '--to', '9.9.9']), /^Error: version 9\.9\.9 is not in the feed/, /1\.1\.0, 1\.0\.0/)
      } finally {
        feed.setFeed(ONLY_1_0_0)
      }
      await assertIntact()
    })

    it('install --version / update --to notsemver', async () => {
      assertCleanFailure(await installNew(['--version', 'notsemver']), /^Error: .*"notsemver" is not semver/, /1\.4\.2|version/)
      await assertNotInstalled(app)
      assertCleanFailure(await run(['update', APP, '--to', 'notsemver']), /^Error: .*"notsemver" is not semver/, /1\.4\.2|version/)
      await assertIntact()
    })

    it('the feed names an image tag the registry does not have, at install and at update', async () => {
      const missing = feedOf([
        {version: '1.0.0', tag: '1.0.0'},
        {version: '9.9.9', tag: '9.9.9'},
      ])
      await withFeed(
        spare,
        () => spare.setFeed(missing),
        async () => {
          assertCleanFailure(await installNew(), /^Error: .*127\.0\.0\.1:5000\/discode-test\/app:9\.9\.9/, /registry/)
        },
      )
      await assertNotInstalled(app)
      await withFeed(
        feed,
        () => feed.setFeed(missing),
        async () => {
          assertCleanFailure(await run(['update', APP]), /^Error: .*127\.0\.0\.1:5000\/discode-test\/app:9\.9\.9/, /registry/)
        },
      )
      await assertIntact()
    })
  })

  // ------------------------------------------------------------------------------- wrong port

  it('a wrong port (8080 while the app listens on 80): the update fails its health check and 1.0.0 keeps serving', async () => {
    writeRecipe(recipeDir, feed.url, {port: 8080})
    feed.setFeed(
      feedOf([
        {version: '1.0.0', tag: '1.0.0'},
        {version: '1.1.0', tag: '1.1.0'},
      ]),
    )
    try {
      const result = await run(['update', APP])
      assertCleanFailure(
        result,
        /^Error: 1\.1\.0 was not deployed: kamal-proxy: target failed to become healthy within configured timeout \(6s\)/,
        /1\.0\.0 keeps serving/,
      )
    } finally {
      writeRecipe(recipeDir, feed.url)
      feed.setFeed(ONLY_1_0_0)
    }
    await assertIntact()
  })

  // -------------------------------------------------------------------------------- no Docker

  describe('Docker not reachable', () => {
    const cases: {label: string; args: () => string[]}[] = [
      {label: 'status', args: () => ['status']},
      {label: 'status APP', args: () => ['status', APP]},
      {label: 'install', args: () => ['install', 'bad-nodock', '--recipe', spareRecipe, '--set', 'hostname=bad-nodock.test']},
      {label: 'update', args: () => ['update', APP]},
    ]
    for (const {label, args} of cases) {
      it(`discode ${label}: one line naming Docker, a hint, exit 1`, async () => {
        const result = await run(args(), withoutDocker(world))
        assertCleanFailure(result, /^Error: Docker .*not reachable at unix:\/\/\/tmp\/nonexistent\.sock/, /Docker|DOCKER_HOST/)
        await assertIntact()
      })
    }
    it('install leaves nothing behind', async () => {
      await assertNotInstalled('bad-nodock')
    })
  })

  // ----------------------------------------------------------------------------- --json errors

  describe('--json errors', () => {
    it('install of a broken recipe', async () => {
      const dir = recipeFile('json-typo', recipeText(spare.url).replace('port: 80', 'prot: 80'))
      const error = assertJsonFailure(
        await run(['install', 'bad-json', '--recipe', dir, '--set', 'hostname=bad-json.test', '--json']),
        /prot: unknown key/,
      )
      assert.match(error.hint, /recipes validate/)
    })

    it('install of an invalid app name', async () => {
      assertJsonFailure(await run(['install', 'Bad-upper', '--recipe', spareRecipe, '--json']), /Invalid app name "Bad-upper"/)
    })

    it('update --to a version not in the feed, and --to notsemver', async () => {
      const error = assertJsonFailure(await run(['update', APP, '--to', '9.9.9', '--json']), /9\.9\.9 is not in the feed/)
      assert.equal(error.code, 'VERSION_NOT_IN_FEED')
      assertJsonFailure(await run(['update', APP, '--to', 'notsemver', '--json']), /"notsemver" is not semver/)
      await assertIntact()
    })

    it('update --check with a broken feed', async () => {
      feed.setRaw('nope')
      try {
        assertJsonFailure(await run(['update', APP, '--check', '--json']), /is not JSON/)
      } finally {
        feed.setFeed(ONLY_1_0_0)
      }
    })

    it('status and update without Docker', async () => {
      const status = assertJsonFailure(await run(['status', '--json'], withoutDocker(world)), /Docker/)
      assert.equal(status.code, 'DOCKER_UNAVAILABLE')
      assertJsonFailure(await run(['update', APP, '--json'], withoutDocker(world)), /Docker/)
      await assertIntact()
    })
  })

  // ------------------------------------------------------------------ the proxy behind our back

  describe('the proxy stopped or removed behind discode', () => {
    const breakers = {
      stopped: () => docker(['stop', world.proxyContainer]),
      removed: () => docker(['rm', '-f', world.proxyContainer]),
    }
    let installs = 0

    async function servesAgain(host = HOST, expected = SERVING) {
      await eventually(async () => (await body(host)) === expected, {timeoutMs: 30_000})
    }

    for (const [how, breakIt] of Object.entries(breakers)) {
      it(`${how}: the next update brings it back with its routes`, async () => {
        await breakIt()
        try {
          const result = await run(['update', APP])
          assert.equal(result.code, 0, shown(result))
          await servesAgain()
          await assertIntact()
        } finally {
          await run(['proxy', 'boot'])
        }
      })

      it(`${how}: status says the proxy is down (a report does not repair); proxy boot brings it back with its routes`, async () => {
        await breakIt()
        try {
          const result = await discodeJson(world, ['status', APP])
          assert.equal(result.code, 0, result.stderr)
          assert.equal(result.json.apps[0].health, 'proxy-down')
          assert.match(result.stderr, /^Warning: The proxy .* is not running.*discode proxy boot/m)
          const boot = await run(['proxy', 'boot'])
          assert.equal(boot.code, 0, shown(boot))
          await servesAgain()
          await assertIntact()
        } finally {
          await run(['proxy', 'boot'])
        }
      })

      it(`${how}: the next install brings it back with its routes`, async () => {
        const app = `bad-px${++installs}`
        await breakIt()
        try {
          const result = await run(['install', app, '--recipe', spareRecipe, '--set', `hostname=${app}.test`])
          assert.equal(result.code, 0, shown(result))
          await servesAgain()
          await servesAgain(`${app}.test`)
          await assertIntact()
        } finally {
          await run(['proxy', 'boot'])
        }
      })
    }
  })
})
