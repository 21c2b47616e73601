import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'

import {validateRecipeDir} from './load.js'
import {scaffoldNames, scaffoldPlugin} from './scaffold.js'

describe('recipes init scaffold', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'discode-scaffold-'))
  after(() => rmSync(tmp, {recursive: true, force: true}))

  it('derives the recipe name from the package name', () => {
    assert.deepEqual(scaffoldNames('/x/discode-shop'), {pkg: 'discode-shop', recipe: 'shop'})
    assert.deepEqual(scaffoldNames('/x/y', '@acme/discode-my.app'), {pkg: '@acme/discode-my.app', recipe: 'my-app'})
    assert.throws(() => scaffoldNames('/x/y', 'Not A Name'), /not a valid npm package name/)
  })

  it('writes a plugin whose recipe validates and whose package declares the discode API and hooks', () => {
    const result = scaffoldPlugin(join(tmp, 'shop'), {name: '@acme/discode-shop'})
    const {ok, errors} = validateRecipeDir(join(result.dir, 'recipes', 'shop'))
    assert.deepEqual({ok, errors}, {ok: true, errors: []})
    const pkg = JSON.parse(readFileSync(join(result.dir, 'package.json'), 'utf8'))
    assert.deepEqual(pkg.discode, {apiVersion: 1, recipes: './recipes'})
    assert.equal(pkg.oclif.hooks['discode:pre-switch'], './dist/hooks/pre-switch.js')
    assert.equal(pkg.publishConfig.access, 'public')
    assert.deepEqual(Object.keys(pkg.dependencies ?? {}), [])
  })

  it('refuses a directory that has files in it', () => {
    const dir = join(tmp, 'used')
    scaffoldPlugin(dir)
    writeFileSync(join(dir, 'mine.txt'), 'x')
    assert.throws(() => scaffoldPlugin(dir), /is not empty/)
  })
})
