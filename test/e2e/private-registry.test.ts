/**
 * Private images: the vendor's registry wants credentials. Without them the pull fails with an error
 * that names the registry; given at install, they are kept as secrets (0600, never in app.json) and
 * used for every later pull. The feed cannot send them elsewhere: a feed entry naming an image in
 * another registry is refused, and that registry (a server on 127.0.0.1 that counts Authorization
 * headers) hears nothing. An unsigned feed on another host (a container on the test's network) needs
 * the customer's explicit opt-in, which status then warns about.
 */
import assert from 'node:assert/strict'
import {mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {allAppContainers, discode, discodeJson, writeRecipe} from '../support/discode.js'
import {httpGet} from '../support/http.js'
import {docker} from '../support/images.js'
import {type PrivateRegistry, startPrivateRegistry} from '../support/private-registry.js'
import {useWorld} from '../support/world.js'

const APP = 'priv-app'
const HOST = 'private.test'

describe('private image registries', () => {
  const {world, feed, images, cleanup} = useWorld('priv')
  let registry: PrivateRegistry
  let recipe: string
  const refs: Record<string, string> = {}
  let localImage: string

  before(async () => {
    registry = await startPrivateRegistry()
    cleanup(() => registry.stop())
    for (const version of ['1.0.0', '1.1.0'] as const) refs[version] = await registry.push(images.tags[version], `acme/app:${version}`)
    localImage = images.tags['1.0.0']
    feed.setFeed({releases: [{version: '1.0.0', image: refs['1.0.0']}]})
    recipe = writeRecipe(join(world.home, 'recipe'), feed.url, {image: `${registry.address}/acme/app`})
  })

  it('without credentials the pull fails, naming the registry that refused', async () => {
    const result = await discode(world, ['install', APP, '--recipe', recipe, '--set', `hostname=${HOST}`])
    assert.equal(result.code, 1)
    assert.match(
      result.stderr,
      new RegExp(`^Error: The registry ${registry.address.replace(/\./g, '\\.')} refused to let discode pull .*unauthorized`, 'm'),
    )
    assert.match(result.stderr, /^Hint: .*--registry-user/m)
  })

  it('with credentials (password from the environment) install pulls and serves; they are kept as a secret', async () => {
    world.env.DISCODE_REGISTRY_PASSWORD = registry.password
    const result = await discode(world, [
      'install',
      APP,
      '--recipe',
      recipe,
      '--set',
      `hostname=${HOST}`,
      '--registry-user',
      registry.username,
    ])
    delete world.env.DISCODE_REGISTRY_PASSWORD
    assert.equal(result.code, 0, result.stderr)
    assert.equal((await httpGet(`${world.url}/`, {host: HOST})).body, 'version=1.0.0\n')
    const secretsFile = join(world.home, 'apps', APP, 'secrets.json')
    assert.equal(statSync(secretsFile).mode & 0o777, 0o600)
    assert.equal(JSON.parse(readFileSync(secretsFile, 'utf8')).registry.password, registry.password)
    assert.ok(!readFileSync(join(world.home, 'apps', APP, 'app.json'), 'utf8').includes(registry.password))
    assert.ok(!(result.stdout + result.stderr).includes(registry.password))
  })

  it('update pulls the next private image with the kept credentials', async () => {
    feed.setFeed({
      releases: [
        {version: '1.0.0', image: refs['1.0.0']},
        {version: '1.1.0', image: refs['1.1.0']},
      ],
    })
    const result = await discode(world, ['update', APP])
    assert.equal(result.code, 0, result.stderr)
    assert.equal((await httpGet(`${world.url}/`, {host: HOST})).body, 'version=1.1.0\n')
  })

  describe('the feed cannot send the credentials, or this server, elsewhere', () => {
    let other: Server
    const heard = {requests: 0, withAuthorization: 0}

    before(async () => {
      // The "other registry": it would answer like a registry, and counts what it receives.
      other = createServer((request, response) => {
        heard.requests++
        if (request.headers.authorization) heard.withAuthorization++
        response.writeHead(401, {'www-authenticate': 'Basic realm="other"'}).end()
      })
      await new Promise<void>((ok) => other.listen(0, '127.0.0.1', ok))
    })

    after(async () => {
      await new Promise((ok) => other?.close(ok))
    })

    it('a feed entry naming an image in another registry is refused, and that registry hears nothing', async () => {
      const otherImage = `127.0.0.1:${(other.address() as AddressInfo).port}/acme/app:1.2.0`
      feed.setFeed({
        releases: [
          {version: '1.0.0', image: refs['1.0.0']},
          {version: '1.1.0', image: refs['1.1.0']},
          {version: '1.2.0', image: otherImage},
        ],
      })
      const before = await allAppContainers(APP)
      for (const args of [
        ['update', APP, '--check'],
        ['update', APP],
        ['status', APP],
      ]) {
        const result = await discode(world, args)
        const text = result.stdout + result.stderr
        assert.match(
          text,
          /release 1\.2\.0 names an image in 127\.0\.0\.1:\d+\/acme\/app, not in the recipe's repository 127\.0\.0\.1:\d+\/acme\/app/,
        )
        assert.ok(text.includes(`${registry.address}/acme/app`), 'names the recipe repository')
        if (args[0] === 'update') assert.equal(result.code, 1)
      }
      assert.deepEqual(heard, {requests: 0, withAuthorization: 0})
      assert.deepEqual(await allAppContainers(APP), before, 'nothing was started')
      assert.equal((await httpGet(`${world.url}/`, {host: HOST})).body, 'version=1.1.0\n')
    })

    it('an unsigned http feed on another host is refused without the opt-in, read with it, and warned about', async () => {
      // The vendor's feed server: a container on the test's own network, at a non-loopback address.
      const dir = join(world.home, 'feedhost')
      mkdirSync(dir, {recursive: true})
      writeFileSync(join(dir, 'feed.json'), JSON.stringify({releases: [{version: '1.0.0', image: refs['1.0.0']}]}))
      const name = `${world.name}-feedhost`
      await docker(['run', '-d', '--name', name, '--network', world.network, '-v', `${dir}:/www/feed:ro`, localImage])
      const address = (
        await docker(['inspect', '-f', `{{(index .NetworkSettings.Networks "${world.network}").IPAddress}}`, name])
      ).stdout.trim()
      assert.match(address, /^\d+\.\d+\.\d+\.\d+$/)
      assert.ok(!address.startsWith('127.'))
      const remote = writeRecipe(join(world.home, 'recipe-remote'), `http://${address}/feed/feed.json`, {
        image: `${registry.address}/acme/app`,
      })
      const app = 'priv-remote'
      const install = (extra: string[]) =>
        discode(world, [
          'install',
          app,
          '--recipe',
          remote,
          '--set',
          'hostname=remote.test',
          '--registry-user',
          registry.username,
          ...extra,
        ])
      world.env.DISCODE_REGISTRY_PASSWORD = registry.password
      try {
        const refused = await install([])
        assert.equal(refused.code, 1)
        assert.match(
          refused.stderr,
          new RegExp(
            `^Error: the feed http://${address.replace(/\./g, '\\.')}/feed/feed\\.json is not signed .*over plain http and is on another host`,
            'm',
          ),
        )
        assert.match(refused.stderr, /^Hint: .*--allow-unsigned-feed/m)
        assert.deepEqual(await allAppContainers(app), [], 'nothing was started')

        const allowed = await install(['--allow-unsigned-feed'])
        assert.equal(allowed.code, 0, allowed.stderr)
        assert.match(flat(allowed.stderr), /feed .* is not signed over plain http: read because you allowed it/)
      } finally {
        delete world.env.DISCODE_REGISTRY_PASSWORD
      }
      assert.equal((await httpGet(`${world.url}/`, {host: 'remote.test'})).body, 'version=1.0.0\n')
      for (const args of [
        ['status', app, '--json'],
        ['status', app, '--json', '--offline'],
      ]) {
        const {code, json} = await discodeJson(world, args)
        assert.equal(code, 0)
        assert.match(json.apps[0].feedWarning, /not signed.*allowed it/)
      }
      assert.match(flat((await discode(world, ['status', app])).stderr), /feed .* is not signed/)
      const doctor = await discodeJson(world, ['doctor', app])
      assert.ok(doctor.json.problems.some((p: {id: string; app: string}) => p.id === 'feed-unsigned' && p.app === app))

      // An install from before discode asked (no feedTrust in its record) keeps working, loudly.
      const file = join(world.home, 'apps', app, 'app.json')
      const record = JSON.parse(readFileSync(file, 'utf8'))
      delete record.feedTrust
      writeFileSync(file, JSON.stringify(record), {mode: 0o600})
      const legacy = await discode(world, ['update', app])
      assert.equal(legacy.code, 0, legacy.stderr)
      assert.match(flat(legacy.stderr), /installed before discode required a signed feed.*--allow-unsigned-feed/)
      // The customer withdraws it: from then on the feed is refused.
      const withdrawn = await discode(world, ['update', app, '--no-allow-unsigned-feed'])
      assert.equal(withdrawn.code, 1)
      assert.match(withdrawn.stderr, /is not signed/)
      const later = await discode(world, ['update', app])
      assert.equal(later.code, 1)
      assert.match(later.stderr, /^Hint: .*discode update priv-remote --allow-unsigned-feed/m)
    })
  })
})

/** stderr with oclif's warning wrapping (` ›   ` at each line) undone. */
function flat(text: string): string {
  return text.replace(/\s*\n\s*›\s*/g, ' ')
}
