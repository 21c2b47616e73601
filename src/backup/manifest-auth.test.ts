import assert from 'node:assert/strict'
import {mkdtempSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, it} from 'node:test'

import {generateX25519Identity} from 'age-encryption'

import {HOST_KEY_FILE, hostKey, identityMacKey, manifestAuthProblem, manifestMac} from './manifest-auth.js'

const bytes = (text: string) => Buffer.from(text)

describe('manifest authentication', () => {
  it('accepts the MAC discode wrote, refuses any change to the manifest (encrypted flipped to false)', () => {
    const key = Buffer.alloc(32, 7)
    const manifest = bytes('{"encrypted": true}\n')
    const mac = manifestMac(key, manifest)
    const base = {id: 's', encrypted: true, manifestBytes: manifest, mac, key, trustUnauthenticated: false}
    assert.equal(manifestAuthProblem(base), undefined)
    assert.equal(
      manifestAuthProblem({...base, encrypted: false, manifestBytes: bytes('{"encrypted": false}\n')})?.code,
      'SNAPSHOT_TAMPERED',
    )
    assert.equal(manifestAuthProblem({...base, key: Buffer.alloc(32, 8)})?.code, 'SNAPSHOT_TAMPERED', 'another key')
    assert.equal(manifestAuthProblem({...base, mac: 'zz'})?.code, 'SNAPSHOT_TAMPERED')
    const wrong = `${mac[0] === 'f' ? 'e' : 'f'}${mac.slice(1)}`
    assert.equal(
      manifestAuthProblem({...base, trustUnauthenticated: true, mac: wrong})?.code,
      'SNAPSHOT_TAMPERED',
      'a wrong MAC is never trusted',
    )
  })

  it('without the key (another host) or the MAC (an older discode): only with --trust-unauthenticated', () => {
    const base = {id: 's', encrypted: false, manifestBytes: bytes('{}'), trustUnauthenticated: false}
    const noKey = manifestAuthProblem({...base, mac: 'ab'})
    assert.equal(noKey?.code, 'SNAPSHOT_UNAUTHENTICATED')
    assert.match(noKey!.message, /this host has no backup-host\.key/)
    assert.match(noKey!.hint!, /--trust-unauthenticated/)
    assert.match(manifestAuthProblem({...base, key: Buffer.alloc(32)})!.message, /no manifest MAC/)
    assert.equal(manifestAuthProblem({...base, trustUnauthenticated: true}), undefined)
  })

  it("an encrypted snapshot's MAC key comes from its identity (which only the passphrase opens)", async () => {
    const identity = await generateX25519Identity()
    assert.deepEqual(identityMacKey(identity), identityMacKey(identity))
    assert.notDeepEqual(identityMacKey(identity), identityMacKey(await generateX25519Identity()))
    assert.equal(identityMacKey(identity).length, 32)
  })

  it('the host key is 32 random bytes in a 0600 file, made once', () => {
    const home = mkdtempSync(join(tmpdir(), 'hostkey-'))
    assert.equal(hostKey(home, false), undefined)
    const key = hostKey(home, true)!
    assert.equal(key.length, 32)
    assert.equal(statSync(join(home, HOST_KEY_FILE)).mode & 0o777, 0o600)
    assert.deepEqual(hostKey(home, true), key)
  })
})
