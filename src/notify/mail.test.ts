import assert from 'node:assert/strict'
import type {AddressInfo} from 'node:net'
import {after, before, describe, it} from 'node:test'

import {SMTPServer} from 'smtp-server'

import {checkSmtpTls, sendMail, smtpTransportOptions} from './mail.js'

const NOTICE = {event: 'update-done' as const, app: 'shop', host: 'srv1', at: '2026-12-05T02:30:00Z', version: '1.0.1'}
const PASSWORD = 'smtp-pa55word'

describe('SMTP requires TLS', () => {
  it('requires STARTTLS (or TLS from the first byte) unless a loopback relay is explicitly allowed', () => {
    const base = {host: 'mail.example.com', port: 587, secure: false, from: 'a@b.c', to: ['d@e.f']}
    assert.equal(smtpTransportOptions(base, undefined).requireTLS, true)
    assert.equal(smtpTransportOptions({...base, port: 465, secure: true}, undefined).requireTLS, false, 'TLS from the first byte')
    const relay = smtpTransportOptions({...base, host: '127.0.0.1', plaintextLoopback: true}, undefined)
    assert.deepEqual([relay.requireTLS, relay.ignoreTLS], [false, true])
    assert.equal(smtpTransportOptions({...base, host: '127.0.0.1'}, undefined).requireTLS, true, 'loopback, but not allowed')
  })

  it('refuses plain text to a relay that is not on this machine', () => {
    for (const host of ['mail.example.com', '10.0.0.25', '::2'])
      assert.throws(
        () => checkSmtpTls({host, secure: false, plaintextLoopback: true}),
        (error: Error & {code?: string}) => {
          assert.equal(error.code, 'SMTP_TLS_REQUIRED')
          return true
        },
      )
    for (const host of ['127.0.0.1', '::1', 'localhost']) checkSmtpTls({host, secure: false, plaintextLoopback: true})
  })

  describe('against a server that does not offer STARTTLS', () => {
    let server: SMTPServer
    let port: number
    const logins: string[] = []
    const mails: string[] = []

    before(async () => {
      server = new SMTPServer({
        disabledCommands: ['STARTTLS'],
        allowInsecureAuth: true,
        onAuth: (auth, _session, callback) => (logins.push(auth.password ?? ''), callback(null, {user: auth.username})),
        onData: (stream, _session, callback) => {
          let raw = ''
          stream.on('data', (chunk) => (raw += chunk))
          stream.on('end', () => (mails.push(raw), callback()))
        },
      })
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
      port = (server.server.address() as AddressInfo).port
    })

    after(() => new Promise<void>((ok) => server.close(() => ok())))

    const smtp = (extra: object) => ({host: '127.0.0.1', port, secure: false, user: 'ops', from: 'a@b.c', to: ['d@e.f'], ...extra})

    it('sends neither the password nor the message when TLS is required', async () => {
      await assert.rejects(sendMail(smtp({}), PASSWORD, NOTICE), /mail via 127\.0\.0\.1:\d+ failed: .*STARTTLS/i)
      assert.deepEqual([logins, mails], [[], []])
    })

    it('sends to it as an explicitly allowed loopback relay', async () => {
      await sendMail(smtp({plaintextLoopback: true}), PASSWORD, NOTICE)
      assert.deepEqual(logins, [PASSWORD])
      assert.equal(mails.length, 1)
    })
  })
})
