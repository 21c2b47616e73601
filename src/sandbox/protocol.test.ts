import assert from 'node:assert/strict'
import {it} from 'node:test'

import {
  addArguments,
  cleanText,
  HOOK_UIDS,
  hookUid,
  MAX_ADDED_BYTES,
  parseChildMessage,
  permissionFlag,
  runArguments,
  sandboxIdentity,
  splitContext,
} from './protocol.js'

const PASSWD = 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n'

it('sandboxIdentity: only root switches; discode-hooks if present, else nobody; never root', () => {
  assert.equal(sandboxIdentity(1000, PASSWD), undefined)
  assert.deepEqual(sandboxIdentity(0, PASSWD), {uid: 65534, gid: 65534, user: 'nobody'})
  assert.deepEqual(sandboxIdentity(0, `${PASSWD}discode-hooks:x:998:997::/:/usr/sbin/nologin\n`), {
    uid: 998,
    gid: 997,
    user: 'discode-hooks',
  })
  assert.deepEqual(sandboxIdentity(0, 'root:x:0:0::/:/bin/sh\n'), {uid: 65534, gid: 65534, user: 'nobody'})
  assert.deepEqual(sandboxIdentity(0, 'discode-hooks:x:0:0::/:/bin/sh\n'), {uid: 65534, gid: 65534, user: 'nobody'})
})

it('hookUid: a uid of its own in HOOK_UIDS, mapped, in no passwd entry, used by no process; none if no such uid is mapped', () => {
  const {first, count} = HOOK_UIDS
  const facts = {passwd: PASSWD, uidMap: '         0          0 4294967295\n', inUse: new Set<number>()}
  assert.equal(
    hookUid(facts, () => 0),
    first,
  )
  assert.equal(
    hookUid(facts, (n) => n - 1),
    first + count - 1,
    'the whole range, no further',
  )
  assert.equal(
    hookUid({...facts, uidMap: ''}, () => 5),
    first + 5,
    'no uid_map (not Linux): all mapped',
  )
  /** random() giving these numbers in turn. */
  const sequence = (...numbers: number[]) => {
    let i = 0
    return () => numbers[i++ % numbers.length]!
  }
  assert.equal(hookUid({...facts, inUse: new Set([first])}, sequence(0, 2)), first + 2, 'a uid a process uses is skipped')
  const named = `${PASSWD}someone:x:${first}:100::/:/bin/sh\n`
  assert.equal(hookUid({...facts, passwd: named}, sequence(0, 3)), first + 3, 'a uid passwd names too')
  // A user namespace of 65536 uids (rootless Docker, LXC) maps none of them; two map lines are counted across.
  assert.equal(
    hookUid({...facts, uidMap: '0 100000 65536\n'}, () => 0),
    undefined,
  )
  const split = `0 0 ${first + 10}\n${first + 100} 5000 20\n`
  assert.equal(
    hookUid({...facts, uidMap: split}, () => 12),
    first + 102,
  )
  const busy = Array.from({length: 64}, (_, i) => i)
  const inUse = new Set(busy.map((i) => first + i))
  assert.equal(hookUid({...facts, inUse}, sequence(...busy)), undefined, 'gives up after 64 taken uids')
})

it('permissionFlag follows the rename of Node 22.13 / 23.5', () => {
  assert.equal(permissionFlag('20.20.2'), '--experimental-permission')
  assert.equal(permissionFlag('22.12.0'), '--experimental-permission')
  assert.equal(permissionFlag('22.13.0'), '--permission')
  assert.equal(permissionFlag('23.4.0'), '--experimental-permission')
  assert.equal(permissionFlag('24.0.0'), '--permission')
})

it('run arguments: strings only, the time capped by what is left', () => {
  assert.deepEqual(runArguments([['echo', 'x'], {timeoutMs: 5000}], 1000), {cmd: ['echo', 'x'], timeoutMs: 1000})
  assert.deepEqual(runArguments([['echo']], 3000), {cmd: ['echo'], timeoutMs: 3000})
  assert.throws(() => runArguments(['echo x'], 1000), /array of strings/)
  assert.throws(() => runArguments([['echo', 1]], 1000), /array of strings/)
})

it('add arguments: bounded in total', () => {
  assert.deepEqual(addArguments(['a.txt', 'x'], 0), {name: 'a.txt', content: 'x'})
  assert.throws(() => addArguments(['a.txt', 'xx'], MAX_ADDED_BYTES - 1), /exceed/)
  assert.throws(() => addArguments(['', 'x'], 0), /name/)
})

it('messages: shape checked, text without control characters', () => {
  assert.equal(parseChildMessage('done'), undefined)
  assert.equal(parseChildMessage({type: 'call', method: 'run'}), undefined)
  assert.deepEqual(parseChildMessage({type: 'call', id: 1.5, method: 'log', args: []}), {
    type: 'call',
    id: undefined,
    method: 'log',
    args: [],
  })
  assert.equal(cleanText('a\u001B[2Jb\nc'), 'a[2Jb\nc')
  assert.equal(cleanText('x'.repeat(10), 4), 'xxxx...')
})

it('splitContext: functions become calls, data is a plain copy', () => {
  const {data, functions} = splitContext({app: 'a', when: undefined, run() {}, nested: {n: 1}})
  assert.deepEqual(data, {app: 'a', nested: {n: 1}})
  assert.deepEqual(Object.keys(functions), ['run'])
})
