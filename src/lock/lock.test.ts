import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {hostname, tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'

import {LockedError, withAppLock} from './lock.js'

const home = mkdtempSync(join(tmpdir(), 'discode-lock-'))
const locks = join(home, 'locks')
after(() => rmSync(home, {recursive: true, force: true}))

/** The pid of a process that has exited (a child that ran and was reaped). */
function deadPid(): number {
  return spawnSync('true').pid!
}

function holderOf(pid: number) {
  return JSON.stringify({pid, host: hostname(), command: 'update', since: new Date().toISOString()})
}

describe('withAppLock', () => {
  it('lets one discode at a time work on an app, names the holder to the other, and cleans up after itself', async () => {
    let inside = false
    let entered = () => {}
    let release = () => {}
    const holding = new Promise<void>((resolve) => (entered = resolve))
    const released = new Promise<void>((resolve) => (release = resolve))
    const first = withAppLock(home, 'shop', {command: 'update'}, async () => {
      inside = true
      entered()
      await released
      inside = false
    })
    await holding
    assert.ok(inside)
    await assert.rejects(
      withAppLock(home, 'shop', {command: 'rollback'}, async () => {}),
      (error: unknown) => error instanceof LockedError && new RegExp(`discode update \\(pid ${process.pid}, since `).test(error.message),
    )
    release()
    await first
    assert.ok(!inside)
    assert.equal(await withAppLock(home, 'shop', {command: 'rollback'}, async () => 'done'), 'done', 'free again once released')
    assert.ok(!existsSync(join(locks, 'shop.lock')) && !existsSync(join(locks, 'shop.holder.json')), 'no lock and no holder file left')
  })

  it('takes over at once the lock of a holder that died (SIGKILL), without waiting for it to go stale', async () => {
    mkdirSync(join(locks, 'blog.lock'), {recursive: true})
    writeFileSync(join(locks, 'blog.holder.json'), holderOf(deadPid()))
    assert.equal(await withAppLock(home, 'blog', {command: 'update'}, async () => 'taken over'), 'taken over')
  })

  it('locks at once when a holder died between unlocking and removing its holder file', async () => {
    writeFileSync(join(locks, 'wiki.holder.json'), holderOf(deadPid()))
    assert.equal(await withAppLock(home, 'wiki', {command: 'update'}, async () => 'locked'), 'locked')
    assert.ok(!existsSync(join(locks, 'wiki.holder.json')), "the dead holder's file was replaced by ours, then removed")
  })
})
