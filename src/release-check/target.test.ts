import assert from 'node:assert/strict'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'

import {scaffoldPlugin} from '../scaffold/scaffold.js'
import {defaultVersions} from './check.js'
import {hookFiles, resolveTarget} from './target.js'

describe('release check target', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'discode-target-'))
  after(() => rmSync(tmp, {recursive: true, force: true}))

  it('lists the compiled hook files of every form oclif accepts', () => {
    const files = hookFiles({oclif: {hooks: {a: './dist/a.js', b: ['./dist/b.js', {target: './dist/c.js'}]}}})
    assert.deepEqual(files, ['./dist/a.js', './dist/b.js', './dist/c.js'])
  })

  it('refuses a plugin whose hooks are not built, then takes its recipe once they are', () => {
    const plugin = scaffoldPlugin(join(tmp, 'shop'), {name: '@acme/discode-shop'})
    assert.throws(() => resolveTarget(plugin.dir), /hook file\(s\) not built: \.\/dist\/hooks\/pre-switch\.js/)
    mkdirSync(join(plugin.dir, 'dist', 'hooks'), {recursive: true})
    writeFileSync(join(plugin.dir, 'dist', 'hooks', 'pre-switch.js'), 'export default async () => {}\n')
    const target = resolveTarget(plugin.dir)
    assert.equal(target.ref, '@acme/discode-shop:shop')
    assert.equal(target.plugin?.name, '@acme/discode-shop')
    assert.throws(() => resolveTarget(plugin.dir, 'nope'), /has no recipe "nope"/)
  })

  it('takes a recipe directory as it is, and refuses an invalid recipe naming its problems', () => {
    const plugin = scaffoldPlugin(join(tmp, 'solo'))
    const dir = join(plugin.dir, 'recipes', 'solo')
    assert.equal(resolveTarget(dir).ref, dir)
    writeFileSync(join(dir, 'recipe.yml'), 'name: solo\nimage: x\nfeed: not-a-url\nportt: 80\n')
    assert.throws(() => resolveTarget(dir), /2 problem\(s\) in the recipe: .*feed.*portt/)
  })

  it('defaults to the two newest stable releases', () => {
    const releases = [
      {version: '1.0.0', channel: 'stable'},
      {version: '1.2.0-rc.1', channel: 'stable'},
      {version: '1.1.0', channel: 'stable'},
      {version: '2.0.0', channel: 'beta'},
    ]
    assert.deepEqual(defaultVersions(releases), {to: '1.1.0', from: '1.0.0'})
    assert.deepEqual(defaultVersions(releases.slice(0, 1)), {to: '1.0.0', from: undefined})
  })
})
