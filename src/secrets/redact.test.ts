import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {looksSecret, maskEnv, redact, REDACTED} from './redact.js'

describe('redaction', () => {
  it('replaces every occurrence of every secret', () => {
    const text = 'key=abcdef123456 again abcdef123456; token s3cr3t-Token!'
    assert.equal(redact(text, ['abcdef123456', 's3cr3t-Token!']), `key=${REDACTED} again ${REDACTED}; token ${REDACTED}`)
  })

  it('a secret that contains another is replaced whole, in either order', () => {
    const short = 'hunter22'
    const long = 'xx-hunter22-yy'
    for (const secrets of [
      [short, long],
      [long, short],
    ]) {
      const out = redact(`a ${long} b ${short} c`, secrets)
      assert.equal(out, `a ${REDACTED} b ${REDACTED} c`)
      assert.ok(!out.includes('xx-') && !out.includes('-yy'))
    }
  })

  it('URL-encoded, base64 and JSON-escaped forms are replaced too', () => {
    const secret = 'p@ss w/rd+"x"'
    const url = `https://feed.example.com/f.json?license=${encodeURIComponent(secret)}`
    const header = `Authorization: Basic ${Buffer.from(secret).toString('base64')}`
    const json = JSON.stringify({password: secret})
    for (const text of [url, header, json]) {
      const out = redact(text, [secret])
      assert.ok(out.includes(REDACTED), out)
      assert.ok(!out.includes(encodeURIComponent(secret)) && !out.includes(Buffer.from(secret).toString('base64')), out)
    }
    assert.equal(redact(json, [secret]), `{"password":"${REDACTED}"}`)
  })

  it('regular-expression characters in a secret are taken literally', () => {
    assert.equal(redact('a.*b+c? and aXXbbc', ['a.*b+c?']), `${REDACTED} and aXXbbc`)
  })

  it('leaves text alone without secrets, and ignores values too short to be secrets', () => {
    assert.equal(redact('nothing here', []), 'nothing here')
    assert.equal(redact('port 80 and abc', ['80', 'abc', '']), 'port 80 and abc')
  })

  it('masks environment variables whose names look secret, whatever their value', () => {
    assert.deepEqual(maskEnv(['APP_HOST=shop.test', 'SECRET_KEY_BASE=xyz', 'DB_PASSWORD=pw', 'API_TOKEN=t', 'PATH=/bin', 'EMPTY']), [
      'APP_HOST=shop.test',
      `SECRET_KEY_BASE=${REDACTED}`,
      `DB_PASSWORD=${REDACTED}`,
      `API_TOKEN=${REDACTED}`,
      'PATH=/bin',
      'EMPTY',
    ])
    assert.equal(looksSecret('LICENSE_KEY'), true)
    assert.equal(looksSecret('APP_VERSION'), false)
  })
})
