import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {
  checkArch,
  checkClock,
  checkCpus,
  checkDisk,
  checkDocker,
  checkDockerVersion,
  checkMemory,
  checkPort,
  checkReachable,
  checkFeed,
} from './preflight-rules.js'

const GB = 1024 ** 3

describe('preflight rules', () => {
  it('Docker unreachable fails with the error and its hint', () => {
    assert.equal(checkDocker(true).status, 'pass')
    const result = checkDocker(false, {message: 'Docker is not running', hint: 'Start Docker'})
    assert.deepEqual([result.status, result.detail, result.hint], ['fail', 'Docker is not running', 'Start Docker'])
  })

  it('Docker version: a declared range fails, the default one only warns', () => {
    assert.equal(checkDockerVersion('20.10.24+dfsg1', '>=20.10').status, 'pass')
    assert.equal(checkDockerVersion('24.0.7').status, 'pass')
    assert.equal(checkDockerVersion('19.03.1', '>=20.10').status, 'fail')
    assert.equal(checkDockerVersion('19.03.1').status, 'warn')
    assert.equal(checkDockerVersion(undefined).status, 'warn')
  })

  it('memory: fails below the requirement, with a little slack for the kernel', () => {
    assert.equal(checkMemory(8 * GB).status, 'pass')
    assert.equal(checkMemory(1.95 * GB, 2 * GB).status, 'pass')
    const result = checkMemory(1 * GB, 2 * GB)
    assert.equal(result.status, 'fail')
    assert.match(result.detail, /1 GB.*needs 2 GB/)
    assert.ok(result.hint)
  })

  it('CPUs and architecture', () => {
    assert.equal(checkCpus(2, 2).status, 'pass')
    assert.equal(checkCpus(1, 2).status, 'fail')
    assert.equal(checkArch('x86_64', ['amd64']).status, 'pass')
    assert.equal(checkArch('aarch64', ['amd64', 'arm64']).status, 'pass')
    assert.equal(checkArch('aarch64', ['amd64']).status, 'fail')
    assert.equal(checkArch('s390x').status, 'pass')
  })

  it('disk: the requirement, nearly full (fail), getting full (warn), unknown (warn)', () => {
    const path = '/var/lib/docker'
    assert.equal(checkDisk({path, free: 50 * GB, total: 100 * GB}, 10 * GB).status, 'pass')
    assert.equal(checkDisk({path, free: 5 * GB, total: 100 * GB}, 10 * GB).status, 'fail')
    assert.equal(checkDisk({path, free: 3 * GB, total: 100 * GB}).status, 'fail')
    assert.equal(checkDisk({path, free: 0.5 * GB, total: 4 * GB}).status, 'fail')
    assert.equal(checkDisk({path, free: 8 * GB, total: 100 * GB}).status, 'warn')
    assert.equal(checkDisk({path}).status, 'warn')
  })

  it('ports: free or ours pass, taken fails naming the variable', () => {
    assert.equal(checkPort('port-http', '127.0.0.1:80', 'free', 'X').status, 'pass')
    assert.equal(checkPort('port-http', '127.0.0.1:80', 'proxy', 'X').status, 'pass')
    assert.equal(checkPort('port-http', '127.0.0.1:80', 'unknown', 'X').status, 'warn')
    const taken = checkPort('port-http', '127.0.0.1:80', 'other', 'DISCODE_PROXY_HTTP_PORT')
    assert.equal(taken.status, 'fail')
    assert.match(taken.hint!, /DISCODE_PROXY_HTTP_PORT/)
  })

  it('reachability: any HTTP answer passes (a registry says 401), no answer warns', () => {
    assert.equal(checkReachable('registry', 'Registry', 'https://r/v2/', {ok: true, status: 401}).status, 'pass')
    const down = checkReachable('feed', 'Feed', 'https://f/', {ok: false, error: 'connection refused'})
    assert.equal(down.status, 'warn')
    assert.match(down.detail, /connection refused/)
  })

  it('clock: compared with the server Date header', () => {
    const now = Date.parse('2026-01-01T12:00:00Z')
    assert.equal(checkClock(now, 'Thu, 01 Jan 2026 12:00:01 GMT', 'the feed').status, 'pass')
    const ahead = checkClock(now, 'Thu, 01 Jan 2026 11:58:00 GMT', 'the feed')
    assert.equal(ahead.status, 'warn')
    assert.match(ahead.detail, /120s ahead of the feed/)
    assert.equal(checkClock(now, 'Thu, 01 Jan 2026 12:10:00 GMT', 'the feed').status, 'fail')
    assert.equal(checkClock(now, undefined, 'the feed').status, 'warn')
  })
})

describe('the feed check', () => {
  it('passes a feed that parses (and verifies), warns when unreachable or not knowable, fails what install would refuse', () => {
    const ok = checkFeed({ok: true, url: 'https://r.example.com/f.json', releases: 2, signed: true})
    assert.equal(ok.status, 'pass')
    assert.match(ok.detail, /lists 2 release\(s\), signed with the recipe's feedKey/)
    const down = checkFeed({ok: false, url: 'u', code: 'FEED_UNREACHABLE', message: 'feed u is unreachable: connection refused', hint: 'h'})
    assert.deepEqual([down.id, down.status], ['feed', 'warn'])
    const forged = checkFeed({
      ok: false,
      url: 'u',
      code: 'FEED_BAD_SIGNATURE',
      message: 'the signature of u does not match',
      hint: 'Tell the vendor',
    })
    assert.deepEqual([forged.status, forged.detail, forged.hint], ['fail', 'the signature of u does not match', 'Tell the vendor'])
    assert.match(checkFeed(undefined).detail, /comes from the app's inputs: discode install reads and verifies it/)
  })
})

describe('the error that stops an install', () => {
  it('offers --skip-preflight for a host problem, never for a feed install would refuse too', async () => {
    const {preflightError} = await import('./preflight.js')
    const report = (id: string) => ({
      recipe: 'shop',
      ok: false,
      checks: [{id, status: 'fail' as const, detail: `${id} is wrong`, hint: 'Fix it'}],
    })
    assert.match(preflightError(report('memory')).hint ?? '', /--skip-preflight installs anyway/)
    const feed = preflightError(report('feed'))
    assert.equal(feed.message, 'feed is wrong')
    assert.equal(feed.hint, 'Fix it. Nothing was changed')
  })
})
