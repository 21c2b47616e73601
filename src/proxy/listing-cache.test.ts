import assert from 'node:assert/strict'
import {mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'

import type {ProxyRoute} from './list.js'
import {type ProxyStateMark, reusableRoutes, saveListing} from './listing-cache.js'

const home = mkdtempSync(join(tmpdir(), 'discode-listing-'))
after(() => rmSync(home, {recursive: true, force: true}))

const mark: ProxyStateMark = {
  container: 'c0ffee',
  startedAt: '2026-11-26T12:00:00.123456789Z',
  size: 812,
  mtime: '2026-11-26T12:05:00.987654321Z',
}
const routes: ProxyRoute[] = [{service: 'blog', hosts: ['blog.test'], targets: ['blog-0123456789ab:80'], state: 'running', tls: false}]

describe('the kept proxy listing', () => {
  it('is reused only under the very mark it was taken under', () => {
    const file = join(home, 'a', 'proxy', 'routes.json')
    saveListing(file, mark, routes)
    assert.deepEqual(reusableRoutes(file, {...mark}), routes)
    // Any change of the state file, or another (or restarted) container, means listing again.
    assert.equal(reusableRoutes(file, {...mark, mtime: '2026-11-26T12:05:00.987654322Z'}), undefined)
    assert.equal(reusableRoutes(file, {...mark, size: 813}), undefined)
    assert.equal(reusableRoutes(file, {...mark, container: 'beef'}), undefined)
    assert.equal(reusableRoutes(file, {...mark, startedAt: '2026-11-26T12:10:00Z'}), undefined)
  })

  it('is kept in a 0600 file under a 0700 directory, and leaves no temporary file', () => {
    const dir = join(home, 'b', 'proxy')
    saveListing(join(dir, 'routes.json'), mark, routes)
    assert.equal(statSync(dir).mode & 0o777, 0o700)
    assert.equal(statSync(join(dir, 'routes.json')).mode & 0o777, 0o600)
    assert.deepEqual(readdirSync(dir), ['routes.json'])
  })

  it('a missing or damaged file is no listing, and a listing that cannot be written is no error', () => {
    const dir = join(home, 'c')
    mkdirSync(dir)
    assert.equal(reusableRoutes(join(dir, 'none.json'), mark), undefined)
    writeFileSync(join(dir, 'torn.json'), '{"mark": {"container": "c0f')
    assert.equal(reusableRoutes(join(dir, 'torn.json'), mark), undefined)
    writeFileSync(join(dir, 'other.json'), JSON.stringify({mark, routes: 'not a list'}))
    assert.equal(reusableRoutes(join(dir, 'other.json'), mark), undefined)
    // A file where the directory should be: saving fails quietly, and nothing is left behind.
    writeFileSync(join(dir, 'proxy'), '')
    assert.doesNotThrow(() => saveListing(join(dir, 'proxy', 'routes.json'), mark, routes))
    assert.deepEqual(readdirSync(dir).sort(), ['other.json', 'proxy', 'torn.json'])
  })
})
