import assert from 'node:assert/strict'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'
import {gzipSync} from 'node:zlib'

import {pack} from 'tar-stream'

import {ManifestSchema} from './manifest.js'
import {keepPlugin, openPlugin, pluginMismatch, pluginPart, pluginRecipe} from './plugin.js'

const dir = mkdtempSync(join(tmpdir(), 'bundle-plugin-'))
after(() => rmSync(dir, {recursive: true, force: true}))
const DEMO = readFileSync(new URL('../../recipes/demo/recipe.yml', import.meta.url), 'utf8')

/** An npm tarball (`package/...`) with these files. */
async function tarball(name: string, files: Record<string, string>): Promise<string> {
  const archive = pack()
  for (const [path, body] of Object.entries(files)) archive.entry({name: `package/${path}`}, body)
  archive.finalize()
  const chunks: Buffer[] = []
  for await (const chunk of archive) chunks.push(chunk as Buffer)
  const file = join(dir, name)
  writeFileSync(file, gzipSync(Buffer.concat(chunks)))
  return file
}

const pjson = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    name: '@acme/discode-demo',
    version: '1.2.0',
    discode: {apiVersion: 1, recipes: './recipes'},
    oclif: {hooks: {'discode:pre-switch': './hooks/pre-switch.js'}},
    ...extra,
  })

describe('a vendor plugin in a bundle', () => {
  it('reads the plugin and its recipe from the tarball; the part is named as npm names it', async () => {
    const file = await tarball('good.tgz', {
      'package.json': pjson(),
      'recipes/demo/recipe.yml': DEMO,
      'hooks/pre-switch.js': 'export default async () => {}\n',
    })
    const plugin = await openPlugin(file, mkdtempSync(join(dir, 'work-')))
    assert.deepEqual([plugin.name, plugin.version], ['@acme/discode-demo', '1.2.0'])
    const recipe = pluginRecipe(plugin)
    assert.equal(recipe.raw.name, 'demo')
    assert.equal(recipe.source, '@acme/discode-demo')
    assert.equal(pluginRecipe(plugin, '@acme/discode-demo:demo').raw.name, 'demo')
    assert.throws(() => pluginRecipe(plugin, 'shop'), /no recipe/)
    assert.throws(() => pluginRecipe(plugin, './recipes/demo'), /with --plugin, --recipe names one of its recipes/)
    const part = pluginPart(plugin)
    assert.equal(part.path, 'plugin/acme-discode-demo-1.2.0.tgz')
    assert.equal(part.size, readFileSync(file).length)
    // The manifest accepts the part and the plugin.
    const parsed = ManifestSchema.safeParse({
      format: 1,
      app: 'demo',
      feedKey: 'k',
      published: 'p',
      releases: [{}],
      images: [],
      parts: [{path: part.path, sha256: part.sha256, size: part.size}],
      plugin: {name: plugin.name, version: plugin.version, path: part.path},
    })
    assert.equal(parsed.success, true)
    assert.equal(ManifestSchema.shape.parts.element.safeParse({path: 'plugin/../x.tgz', sha256: part.sha256, size: 1}).success, false)
  })

  it('refuses what plugins install refuses, and a package with no recipes', async () => {
    const evil = await tarball('evil.tgz', {
      'package.json': pjson({scripts: {postinstall: 'node evil.js'}, oclif: {hooks: {prerun: './evil.js'}}}),
      'recipes/demo/recipe.yml': DEMO,
    })
    await assert.rejects(
      openPlugin(evil, mkdtempSync(join(dir, 'work-'))),
      /install scripts \(postinstall\).*oclif hooks other than discode:\* \(prerun\)/,
    )
    const none = await tarball('none.tgz', {'package.json': pjson({discode: {apiVersion: 1}})})
    await assert.rejects(openPlugin(none, mkdtempSync(join(dir, 'work-'))), /names no recipes directory/)
    await assert.rejects(openPlugin(join(dir, 'missing.tgz'), dir), /does not exist/)
  })

  it('an entry outside the package is not unpacked', async () => {
    const file = await tarball('escape.tgz', {'package.json': pjson(), 'recipes/demo/recipe.yml': DEMO, '../../outside.txt': 'x'})
    const work = mkdtempSync(join(dir, 'work-'))
    await openPlugin(file, work)
    assert.throws(() => readFileSync(join(work, '..', 'outside.txt')), /ENOENT/)
  })

  it('the customer keeps the verified tarball by its checksum', () => {
    const work = mkdtempSync(join(dir, 'work-'))
    mkdirSync(join(work, 'plugin'))
    writeFileSync(join(work, 'plugin/a-1.0.0.tgz'), 'tgz')
    const manifest = {
      app: 'demo',
      plugin: {name: 'a', version: '1.0.0', path: 'plugin/a-1.0.0.tgz'},
      parts: [{path: 'plugin/a-1.0.0.tgz', sha256: 'c'.repeat(64), size: 3}],
    } as Parameters<typeof keepPlugin>[1]
    const home = join(dir, 'home')
    const kept = keepPlugin(home, manifest, work)
    assert.equal(kept, join(home, 'bundles/demo/plugins', 'c'.repeat(16), 'a-1.0.0.tgz'))
    assert.equal(readFileSync(kept!, 'utf8'), 'tgz')
    assert.equal(keepPlugin(home, {...manifest, plugin: undefined}, work), undefined)
  })

  it("refuses a bundle whose plugin is not the one the app's recipe came from", () => {
    const manifest = {app: 'shop', plugin: {name: '@acme/shop', version: '2.0.0', path: 'plugin/x.tgz'}}
    assert.equal(pluginMismatch(manifest, '@acme/shop'), undefined)
    assert.match(pluginMismatch(manifest, '@evil/shop') ?? '', /comes from the plugin @acme\/shop, the app's from @evil\/shop/)
    assert.equal(pluginMismatch(manifest, 'path'), undefined, 'an app from a bundle or path recipe moves to the plugin')
    assert.equal(pluginMismatch({app: 'shop'}, '@evil/shop'), undefined, 'a recipe-only bundle keeps the plugin the app has')
  })
})
