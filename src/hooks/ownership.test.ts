import assert from 'node:assert/strict'
import {chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, it} from 'node:test'

import {componentsOf, judgeChain, type PathFacts, unsafePaths} from './ownership.cjs'

const dir = (path: string, mode: number, uid = 0, gid = 0): PathFacts => ({path, uid, gid, mode: 0o40000 | mode})

describe('judgeChain', () => {
  it('accepts a root-owned 0700 directory inside sticky, world-writable /tmp (how the tests run)', () => {
    assert.equal(judgeChain([dir('/', 0o755), dir('/tmp', 0o1777), dir('/tmp/discode-x', 0o700)], true), undefined)
  })

  it('refuses a directory on the way that another user can write, with chmod as the fix', () => {
    const problem = judgeChain([dir('/', 0o755), dir('/srv', 0o777), dir('/srv/discode', 0o700)], true)
    assert.deepEqual(problem, {component: '/srv', reason: 'writable by every user', fix: 'chmod go-w /srv'})
    assert.equal(judgeChain([dir('/', 0o755), dir('/opt', 0o775, 0, 50), dir('/opt/d', 0o700)], true)?.reason, 'writable by group 50')
    assert.equal(judgeChain([dir('/', 0o755), dir('/opt', 0o775, 0, 0), dir('/opt/d', 0o700)], true), undefined, "root's own group")
  })

  it('refuses a directory owned by another user, with chown as the fix', () => {
    const problem = judgeChain([dir('/', 0o755), dir('/home/bob', 0o755, 1000), dir('/home/bob/discode', 0o700)], true)
    assert.deepEqual(problem, {component: '/home/bob', reason: 'owned by uid 1000, not root', fix: 'chown root /home/bob'})
  })

  it('refuses the directory itself when others may write it, sticky or not', () => {
    assert.equal(judgeChain([dir('/', 0o755), dir('/tmp', 0o1777)], true)?.component, '/tmp')
    // A DISCODE_HOME not created yet under /tmp: /tmp is only on the way.
    assert.equal(judgeChain([dir('/', 0o755), dir('/tmp', 0o1777)], false), undefined)
  })

  it('walks from / down', () => {
    assert.deepEqual(componentsOf('/a/b/c'), ['/', '/a', '/a/b', '/a/b/c'])
  })
})

describe('unsafePaths', () => {
  it('stats each directory once and names what the unsafe path is for', () => {
    const seen: string[] = []
    const facts: Record<string, PathFacts> = {
      '/': dir('/', 0o755),
      '/srv': dir('/srv', 0o755),
      '/srv/state': dir('/srv/state', 0o777),
      '/srv/plugins': dir('/srv/plugins', 0o755),
    }
    const found = unsafePaths(
      [
        {what: 'the state directory', path: '/srv/state'},
        {what: 'the plugin directory', path: '/srv/plugins'},
        {what: 'a directory not made yet', path: '/srv/plugins/new'},
      ],
      (path) => (seen.push(path), facts[path]),
    )
    assert.deepEqual(found, [
      {
        what: 'the state directory',
        path: '/srv/state',
        component: '/srv/state',
        reason: 'writable by every user',
        fix: 'chmod go-w /srv/state',
      },
    ])
    assert.deepEqual(seen, ['/', '/srv', '/srv/state', '/srv/plugins', '/srv/plugins/new'])
  })

  it('on this machine: a mkdtemp directory is fine; made world-writable, or given away (as root), it is not', () => {
    const base = mkdtempSync(join(tmpdir(), 'discode-owner-'))
    try {
      const home = join(base, 'home')
      mkdirSync(home, {mode: 0o700})
      assert.deepEqual(unsafePaths([{what: 'state', path: home}]), [])
      chmodSync(home, 0o777)
      assert.equal(unsafePaths([{what: 'state', path: home}])[0]?.fix, `chmod go-w ${home}`)
      chmodSync(home, 0o700)
      if (process.geteuid?.() !== 0) return // only root can give a directory away
      chownSync(base, 1234, 1234)
      assert.equal(unsafePaths([{what: 'state', path: home}])[0]?.fix, `chown root ${base}`)
    } finally {
      rmSync(base, {recursive: true, force: true})
    }
  })
})
