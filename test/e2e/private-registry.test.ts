/**
 * Private images: the vendor's registry wants credentials. Without them the pull fails with an error
 * that names the registry; given at install, they are kept as secrets (0600, never in app.json) and
 * used for every later pull.
 */
import assert from 'node:assert/strict'
import {readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {buildStandinImage, createWorld, destroyWorld, discode, type World, writeRecipe} from '../support/discode.js'
import {type FeedServer, httpGet, startFeedServer} from '../support/http.js'
import {buildAndPushTestImages} from '../support/images.js'
import {type PrivateRegistry, startPrivateRegistry} from '../support/private-registry.js'

const APP = 'priv-app'
const HOST = 'private.test'

describe('private image registries', () => {
  let world: World
  let registry: PrivateRegistry
  let feed: FeedServer
  let recipe: string
  const refs: Record<string, string> = {}

  before(async () => {
    const [images] = await Promise.all([buildAndPushTestImages(), buildStandinImage()])
    registry = await startPrivateRegistry()
    for (const version of ['1.0.0', '1.1.0'] as const) refs[version] = await registry.push(images.tags[version], `acme/app:${version}`)
    world = await createWorld('priv')
    feed = await startFeedServer({releases: [{version: '1.0.0', image: refs['1.0.0']}]})
    recipe = writeRecipe(join(world.home, 'recipe'), feed.url, {image: `${registry.address}/acme/app`})
  })

  after(async () => {
    await feed?.close()
    await registry?.stop()
    if (world) await destroyWorld(world)
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
})
