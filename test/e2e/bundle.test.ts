/**
 * Air-gapped bundles on real parts: the vendor signs a feed and packs two releases (the test app
 * images, by digest) with `discode bundle create`; the customer's recipe names a registry nobody
 * listens on (127.0.0.1:<closed port>), so nothing can be pulled: `install --bundle` and
 * `update --bundle` (with a migration hook, under a request loop) work from the file alone. A
 * tampered, wrongly signed, truncated or older bundle is refused with nothing loaded or changed.
 * The install and update bundles carry the vendor plugin (its discode:* hooks mark what ran) and the
 * proxy image, tagged in the same unreachable registry: it is used as loaded, never pulled.
 */
import assert from 'node:assert/strict'
import {copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'

import {signFeed} from '../../src/feed/sign.js'
import {assertCleanFailure} from '../support/checks.js'
import {
  buildStandinImage,
  createWorld,
  destroyWorld,
  discode,
  freePort,
  STANDIN_IMAGE,
  type World,
  writeRecipe,
} from '../support/discode.js'
import {assertNoFailedRequests, httpGet, loadDuring} from '../support/http.js'
import {buildAndPushTestImages, docker} from '../support/images.js'
import {npmEnv} from '../support/verdaccio.js'

const APP = 'bundle-app'
const HOST = 'bundle.test'
const PLUGIN = '@discode-bundle/testapp'

/** Each discode:* hook of the vendor plugin appends `plugin <its version> <event> <release>` to the app's volume. */
function writePlugin(dir: string, version: string, recipeDir: string): string {
  mkdirSync(join(dir, 'hooks'), {recursive: true})
  cpSync(recipeDir, join(dir, 'recipes', 'testapp'), {recursive: true})
  const hooks: Record<string, string> = {}
  for (const event of ['post-install', 'pre-switch']) {
    hooks[`discode:${event}`] = `./hooks/${event}.js`
    const line = `plugin ${version} ${event}`
    writeFileSync(
      join(dir, 'hooks', `${event}.js`),
      `export default async function (context) {
  const result = await context.run(['/bin/sh', '-c', 'echo "$0" >> /www/data/plugin-marks', '${line} ' + context.release.version])
  if (result.exitCode !== 0) throw new Error(result.output)
}
`,
    )
  }
  const pjson = {name: PLUGIN, version, type: 'module', discode: {apiVersion: 1, recipes: './recipes'}, oclif: {hooks}}
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pjson, null, 2))
  return dir
}

describe('air-gapped bundles', () => {
  let world: World
  let vendor: string
  let repository: string
  let feedKey: string
  /** The proxy image as the customer's settings name it: in the unreachable registry, loaded from the bundle only. */
  let proxyImage: string
  const pinned: Record<string, string> = {}
  const file = (name: string) => join(vendor, name)
  const body = async (path = '/') => (await httpGet(`${world.url}${path}`, {host: HOST})).body
  /** What a refused bundle must not change: the images loaded under the recipe's repository, and the app's record. */
  const state = async () => ({
    // A load tags the release images `<repository>:<version>` in the recipe's own (unreachable) repository.
    images: (await docker(['images', '--no-trunc', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}', repository])).stdout,
    record: existsSync(join(world.home, 'apps', APP, 'app.json')) ? readFileSync(join(world.home, 'apps', APP, 'app.json'), 'utf8') : '',
  })

  function sign(name: string, versions: string[], now: Date) {
    writeFileSync(file(name), JSON.stringify({releases: versions.map((version) => ({version, image: pinned[version], channel: 'stable'}))}))
    signFeed(file(name), file('feed.key'), {now})
  }

  const create = (out: string, feed: string, versions: string[], extra: string[] = []) =>
    discode(world, [
      'bundle',
      'create',
      // With --plugin, the recipe is the plugin's (its only one).
      ...(extra.includes('--plugin') ? [] : ['--recipe', file('recipe')]),
      '--feed',
      file(feed),
      '--key',
      file('feed.key'),
      '-o',
      file(out),
      ...versions.flatMap((v) => ['--release', v]),
      ...extra,
    ])

  before(async () => {
    const [images] = await Promise.all([buildAndPushTestImages(), buildStandinImage()])
    world = await createWorld('bundle')
    vendor = join(world.home, 'vendor')
    // The recipe's registry: a port nothing listens on, so any pull or feed fetch fails at once.
    repository = `127.0.0.1:${await freePort()}/discode-test/app`
    for (const version of ['1.0.0', '1.1.0']) {
      const digests = JSON.parse(
        (await docker(['inspect', '--format', '{{json .RepoDigests}}', images.tags[version as '1.0.0']])).stdout,
      ) as string[]
      const digest = digests.find((reference) => reference.startsWith(`${images.repository}@`))?.split('@')[1]
      assert.match(digest ?? '', /^sha256:[0-9a-f]{64}$/)
      pinned[version] = `${repository}@${digest}`
    }
    assert.equal((await discode(world, ['feed', 'keygen', '--out', vendor])).code, 0)
    assert.equal((await discode(world, ['feed', 'keygen', '--out', file('other')])).code, 0)
    feedKey = readFileSync(file('feed.pub'), 'utf8').trim()
    writeRecipe(file('recipe'), `http://${repository.split('/')[0]}/feed.json`, {
      image: repository,
      feedKey,
      hooks: {preSwitch: [{name: 'migrate', run: ['/bin/sh', '-c', 'echo migrated >> /www/data/migrations']}], postSwitch: []},
    })
    sign('old-feed.json', ['1.0.0'], new Date(Date.now() - 3600_000))
    sign('feed.json', ['1.0.0', '1.1.0'], new Date())
    writePlugin(file('plugin-1.0.0'), '1.0.0', file('recipe'))
    writePlugin(file('plugin-1.1.0'), '1.1.0', file('recipe'))
    proxyImage = `${repository.split('/')[0]}/discode-test/kamal-proxy:${STANDIN_IMAGE.split(':').at(-1)}`
    await docker(['tag', STANDIN_IMAGE, proxyImage])
    // Plugins go to a throwaway oclif data dir, npm's cache too; the proxy image is the unreachable one.
    world.env = npmEnv({
      ...world.env,
      DISCODE_PROXY_IMAGE: proxyImage,
      XDG_DATA_HOME: join(world.home, 'xdg-data'),
      XDG_CACHE_HOME: join(world.home, 'xdg-cache'),
      npm_config_cache: join(world.home, 'npm-cache'),
    })
  })

  after(async () => {
    if (world) await destroyWorld(world)
    if (proxyImage) await docker(['rmi', proxyImage]).catch(() => {})
  })

  it('bundle create gives the same bytes twice, and shared layers are stored once', async () => {
    for (const [out, feed, versions] of [
      ['both.bundle', 'feed.json', ['1.0.0', '1.1.0']],
      ['again.bundle', 'feed.json', ['1.1.0', '1.0.0']],
      ['one.bundle', 'feed.json', ['1.0.0']],
      ['two.bundle', 'feed.json', ['1.1.0']],
      ['old.bundle', 'old-feed.json', ['1.0.0']],
    ] as const) {
      const result = await create(out, feed, [...versions])
      assert.equal(result.code, 0, result.stderr)
    }
    assert.ok(readFileSync(file('both.bundle')).equals(readFileSync(file('again.bundle'))), 'the same inputs give the same bytes')
    const size = (name: string) => statSync(file(name)).size
    assert.ok(size('both.bundle') < size('one.bundle') + size('two.bundle') - 1_000_000, 'the shared base layer is stored once')
    const inspected = await discode(world, ['bundle', 'inspect', file('both.bundle'), '--key', feedKey, '--json'])
    assert.equal(inspected.code, 0, inspected.stderr)
    const report = JSON.parse(inspected.stdout)
    assert.deepEqual(
      report.releases.map((r: {version: string}) => r.version),
      ['1.0.0', '1.1.0'],
    )
    assert.equal(report.signature.ok && report.parts.ok, true)
    // The vendor plugin (a directory, packed as npm publish packs it) and the proxy image ride along.
    const plugin = (version: string, out: string, release: string, extra: string[] = []) =>
      create(out, 'feed.json', [release], ['--plugin', file(`plugin-${version}`), ...extra])
    const first = await plugin('1.0.0', 'plugin-1.bundle', '1.0.0', ['--proxy-image', proxyImage])
    assert.equal(first.code, 0, first.stderr)
    const second = await plugin('1.1.0', 'plugin-2.bundle', '1.1.0')
    assert.equal(second.code, 0, second.stderr)
    const withPlugin = await discode(world, ['bundle', 'inspect', file('plugin-1.bundle'), '--key', feedKey, '--json'])
    assert.equal(withPlugin.code, 0, withPlugin.stderr)
    const contents = JSON.parse(withPlugin.stdout)
    assert.deepEqual(contents.plugin, {name: PLUGIN, version: '1.0.0'})
    assert.ok(
      contents.images.some((image: {ref: string}) => image.ref === proxyImage),
      'bundle inspect lists the proxy image',
    )
    // From now on the proxy image exists only in the bundle (its registry is unreachable).
    await docker(['rmi', proxyImage])
  })

  it('a flipped byte in a layer, a wrong signature or a truncated file is refused; nothing loaded', async () => {
    const before = await state()
    const flipped = file('flipped.bundle')
    copyFileSync(file('both.bundle'), flipped)
    const bytes = readFileSync(flipped)
    bytes[Math.floor(bytes.length / 2)] ^= 0xff // inside the 2 MB base layer
    writeFileSync(flipped, bytes)
    const truncated = file('truncated.bundle')
    copyFileSync(file('both.bundle'), truncated)
    truncateSync(truncated, statSync(truncated).size - 300_000)
    const otherKey = readFileSync(file('other/feed.pub'), 'utf8').trim()
    const install = (bundle: string, key = feedKey) =>
      discode(world, ['install', APP, '--bundle', bundle, '--key', key, '--set', `hostname=${HOST}`, '--skip-preflight'])
    assertCleanFailure(await install(flipped), /was changed: part blobs\/sha256\/[0-9a-f]{64} has sha256/, /nothing was loaded/)
    assertCleanFailure(await install(file('both.bundle'), otherKey), /is not signed by the vendor's key/, /nothing was loaded/)
    assertCleanFailure(await install(truncated), /truncated/, /nothing was loaded/)
    assert.deepEqual(await state(), before)
  })

  it("install --bundle, then update --bundle with a migration under load: no registry, the plugin's hooks, 0 failed requests", async () => {
    const installed = await discode(world, [
      'install',
      APP,
      '--bundle',
      file('plugin-1.bundle'),
      '--key',
      feedKey,
      '--set',
      `hostname=${HOST}`,
      '--skip-preflight',
    ])
    assert.equal(installed.code, 0, installed.stderr)
    assert.equal(await body(), 'version=1.0.0\n')
    const recordOf = () => JSON.parse(readFileSync(join(world.home, 'apps', APP, 'app.json'), 'utf8'))
    const record = recordOf()
    assert.equal(record.current.image, pinned['1.0.0'])
    assert.ok(record.feedPublished, 'the bundle feed time is accepted')
    assert.equal(record.recipe.source, PLUGIN, "the app's recipe is the bundled plugin's")
    assert.equal(record.feedTrust.bundle, true, 'the record remembers the app came from a bundle')
    const proxy = await docker(['inspect', '--format', '{{.Config.Image}}', world.proxyContainer])
    assert.equal(proxy.stdout.trim(), proxyImage, 'the proxy runs the image loaded from the bundle (a pull would have failed)')
    let updated: Awaited<ReturnType<typeof discode>> | undefined
    const loop = await loadDuring(`${world.url}/`, {host: HOST}, async () => {
      updated = await discode(world, ['update', APP, '--bundle', file('plugin-2.bundle')])
    })
    assert.equal(updated?.code, 0, updated?.stderr)
    assertNoFailedRequests(loop)
    assert.equal(await body(), 'version=1.1.0\n')
    assert.equal(await body('/data/migrations'), 'migrated\nmigrated\n', 'the migration hook ran at install and at the update')
    assert.equal(
      await body('/data/plugin-marks'),
      'plugin 1.0.0 post-install 1.0.0\nplugin 1.1.0 pre-switch 1.1.0\n',
      "the bundled plugin's hooks ran, the update's from the plugin version of the second bundle",
    )
  })

  it('a plain update or status of the app from a bundle says how it updates, without the feed', async () => {
    assertCleanFailure(await discode(world, ['update', APP]), /was installed from a bundle/, /--bundle FILE.*--online/)
    const status = await discode(world, ['status', APP, '--json'])
    assert.equal(status.code, 0, status.stderr)
    assert.match(JSON.stringify(JSON.parse(status.stdout)), /installed from a bundle/)
  })

  it('an older bundle is refused, and update --check does not load a bundle; nothing changes', async () => {
    const before = await state()
    // --check changes nothing, and loading a bundle (images, its plugin) is a change: bundle inspect shows it.
    const check = await discode(world, ['update', APP, '--check', '--bundle', file('plugin-2.bundle')])
    assert.notEqual(check.code, 0, check.stderr)
    // oclif wraps its message over lines that start with "›".
    assert.match(check.stderr.replace(/[\s›]+/g, ' '), /--bundle=\S+ cannot also be provided when using --check/)
    assertCleanFailure(
      await discode(world, ['update', APP, '--bundle', file('old.bundle')]),
      /older than the newest feed already accepted/,
      /--to/,
    )
    assert.deepEqual(await state(), before)
    assert.equal(await body(), 'version=1.1.0\n')
  })
})
