import assert from 'node:assert/strict'
import {verify} from 'node:crypto'
import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'

import {parsePublicKey} from '../feed/keys.js'
import {validateRecipeDir} from '../recipes/load.js'
import {scaffoldNames, scaffoldPlugin} from './scaffold.js'
import {discodeTypes} from '../recipes/types-file.js'

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

  it("installs with no package outside the npm registry: @discode/types is a local copy of this discode's", () => {
    const dir = join(tmp, 'shop')
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    assert.equal(pkg.devDependencies['@discode/types'], 'file:./types')
    assert.deepEqual(Object.keys(pkg.devDependencies).sort(), ['@discode/types', '@types/node', 'typescript'])
    assert.equal(JSON.parse(readFileSync(join(dir, 'types', 'package.json'), 'utf8')).name, '@discode/types')
    assert.equal(readFileSync(join(dir, 'types', 'index.d.ts'), 'utf8'), discodeTypes())
  })

  it('starts signed: the recipe trusts keys/feed.pub, whose private key signed feed.json', () => {
    const dir = join(tmp, 'shop')
    const publicKey = readFileSync(join(dir, 'keys', 'feed.pub'), 'utf8').trim()
    assert.match(
      readFileSync(join(dir, 'recipes', 'shop', 'recipe.yml'), 'utf8'),
      new RegExp(`^feedKey: ${publicKey.replace(/[+/]/g, '\\$&')} `, 'm'),
    )
    assert.equal(statSync(join(dir, 'keys', 'feed.key')).mode & 0o777, 0o600)
    assert.match(readFileSync(join(dir, '.gitignore'), 'utf8'), /^keys\/feed\.key$/m)
    const feed = readFileSync(join(dir, 'feed.json'))
    const signature = Buffer.from(readFileSync(join(dir, 'feed.json.sig'), 'utf8').trim(), 'base64')
    assert.equal(verify(null, feed, parsePublicKey(publicKey), signature), true)
    assert.deepEqual(JSON.parse(feed.toString()).releases, [])
  })

  it('takes the image repository and feed URL at init', () => {
    const result = scaffoldPlugin(join(tmp, 'given'), {image: '127.0.0.1:5000/acme/shop', feed: 'http://127.0.0.1:8080/feed.json'})
    const text = readFileSync(join(result.dir, 'recipes', 'given', 'recipe.yml'), 'utf8')
    assert.match(text, /^image: 127\.0\.0\.1:5000\/acme\/shop$/m)
    assert.match(text, /^feed: http:\/\/127\.0\.0\.1:8080\/feed\.json$/m)
    assert.deepEqual(validateRecipeDir(join(result.dir, 'recipes', 'given')).errors, [])
  })

  it('refuses a directory that has files in it', () => {
    const dir = join(tmp, 'used')
    scaffoldPlugin(dir)
    writeFileSync(join(dir, 'mine.txt'), 'x')
    assert.throws(() => scaffoldPlugin(dir), /is not empty/)
  })
})
