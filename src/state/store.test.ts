import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'

import {DiscodeError} from '../errors.js'
import {type AppRecord, StateStore} from './store.js'

const home = mkdtempSync(join(tmpdir(), 'discode-store-'))
after(() => rmSync(home, {recursive: true, force: true}))

const record: AppRecord = {
  app: 'blog',
  recipe: {ref: 'demo', source: 'builtin', dir: '/recipes/demo'},
  inputs: {hostname: 'blog.example.com'},
  current: {version: '1.0.0', image: 'example/blog:1.0.0', imageId: 'sha256:abc', key: '0123456789ab', container: 'blog-0123456789ab'},
  previous: [],
  accessories: ['db'],
  installedAt: '2026-11-26T00:00:00.000Z',
  updatedAt: '2026-11-26T00:00:00.000Z',
}

describe('StateStore', () => {
  const store = new StateStore(home)

  it('reads back what it wrote (conf writes, a plain JSON read), in 0600 files under 0700 directories', async () => {
    await store.write(record)
    await store.writeSecrets('blog', {generated: {secret_key_base: 'x'.repeat(64)}, inputs: {}})
    const read = await store.read('blog')
    assert.deepEqual({...read, updatedAt: undefined}, {...record, updatedAt: undefined})
    assert.notEqual(read?.updatedAt, record.updatedAt, 'write stamps updatedAt')
    assert.deepEqual(await store.readSecrets('blog'), {generated: {secret_key_base: 'x'.repeat(64)}, inputs: {}})
    assert.equal(statSync(join(home, 'apps', 'blog', 'app.json')).mode & 0o777, 0o600)
    assert.equal(statSync(join(home, 'apps', 'blog', 'secrets.json')).mode & 0o777, 0o600)
    assert.equal(statSync(join(home, 'apps', 'blog')).mode & 0o777, 0o700)
    assert.deepEqual(store.apps(), ['blog'])
  })

  it('knows no record and no secrets of an app it never saw', async () => {
    assert.equal(await store.read('nothere'), undefined)
    assert.deepEqual(await store.readSecrets('nothere'), {generated: {}, inputs: {}})
  })

  it('refuses a damaged record with a clear error and a hint, instead of a stack trace', async () => {
    await store.write({...record, app: 'broken'})
    writeFileSync(join(home, 'apps', 'broken', 'app.json'), '{"app": "broken", ')
    await assert.rejects(store.read('broken'), (error: unknown) => {
      assert.ok(error instanceof DiscodeError)
      assert.equal(error.code, 'STATE_UNREADABLE')
      assert.match(error.message, /apps\/broken\/app\.json cannot be read/)
      assert.match(error.hint ?? '', /backup/)
      return true
    })
  })
})
