import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'

import {validateRecipeDir} from '../../recipes/load.js'
import type {RecipeAccessory} from '../../recipes/schema.js'
import {accessoryHash} from './spec.js'

const DB: RecipeAccessory = {
  image: 'registry.example.com/acme/db:16',
  port: 5432,
  env: {DB_USER: 'app', DB_PASSWORD: 'secret'},
  volumes: [{name: 'data', path: '/var/lib/db'}],
  health: {cmd: ['pg_isready']},
  init: false,
  stop: {signal: 'SIGTERM', timeout: '30s'},
}

describe('accessoryHash', () => {
  it('is unchanged by the default init and stop (containers made before those keys keep their hash)', () => {
    const {init: _init, stop: _stop, ...before} = DB
    const legacy = createHash('sha256')
      .update(
        JSON.stringify({
          image: before.image,
          port: 5432,
          env: {DB_PASSWORD: 'secret', DB_USER: 'app'},
          volumes: before.volumes,
          command: null,
          health: before.health,
        }),
      )
      .digest('hex')
      .slice(0, 16)
    assert.equal(accessoryHash(DB), legacy)
    assert.notEqual(accessoryHash({...DB, init: true}), legacy)
    assert.notEqual(accessoryHash({...DB, stop: {signal: 'SIGQUIT', timeout: '30s'}}), legacy)
  })

  it('is stable: the order of env keys does not matter', () => {
    assert.equal(accessoryHash(DB), accessoryHash({...DB, env: {DB_PASSWORD: 'secret', DB_USER: 'app'}}))
    assert.match(accessoryHash(DB), /^[0-9a-f]{16}$/)
  })

  it('changes with anything that needs a new container', () => {
    const variants: RecipeAccessory[] = [
      {...DB, image: 'registry.example.com/acme/db:17'},
      {...DB, port: 5433},
      {...DB, env: {...DB.env, DB_PASSWORD: 'other'}},
      {...DB, volumes: [{name: 'data', path: '/data'}]},
      {...DB, command: ['db', '--fast']},
      {...DB, health: {path: '/healthz'}},
      {...DB, health: undefined},
    ]
    const hashes = new Set([accessoryHash(DB), ...variants.map(accessoryHash)])
    assert.equal(hashes.size, variants.length + 1)
  })
})

describe('accessory templates', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'discode-accessories-'))
  after(() => rmSync(tmp, {recursive: true, force: true}))

  function problems(accessoryEnv: string): string[] {
    const dir = join(tmp, `r${Math.random().toString(16).slice(2)}`)
    mkdirSync(dir)
    writeFileSync(
      join(dir, 'recipe.yml'),
      `name: demo\nimage: registry.example.com/acme/demo\nfeed: https://releases.example.com/feed.json\n` +
        `secrets:\n  db_password: {generate: hex, length: 32}\n` +
        `accessories:\n  cache: {image: cache:1, port: 6379}\n  db:\n    image: db:16\n    env: {VALUE: "${accessoryEnv}"}\n`,
    )
    return validateRecipeDir(dir).errors.map((e) => `${e.path}: ${e.message}`)
  }

  it('may use app, inputs, secrets and other accessories', () => {
    assert.deepEqual(problems('{{app.name}} {{secrets.db_password}} {{accessories.cache.host}}:{{accessories.cache.port}}'), [])
  })

  it('may not use release.*: an accessory outlives releases', () => {
    assert.deepEqual(problems('{{release.version}}'), [
      'accessories.db.env.VALUE: "release.version" cannot be used here: accessories outlive releases (a release value would replace them at each update)',
    ])
  })
})
