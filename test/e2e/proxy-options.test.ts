/**
 * The recipe's proxy options, end to end through the kamal-proxy stand-in: several host names for one
 * app, the app below a path prefix, the target timeout, a request body limit (413) with buffering, and
 * options the configured proxy version lacks refused (validate and install) with the version that has them.
 */
import assert from 'node:assert/strict'
import http from 'node:http'
import {join} from 'node:path'
import {before, describe, it} from 'node:test'

import {allAppContainers, discode, discodeJson, feedOf, type World, writeRecipe} from '../support/discode.js'
import {httpGet, startRequestLoop} from '../support/http.js'
import {installed, installedVersion, useWorld} from '../support/world.js'

const APP = 'popts-app'
const HOST = 'popts.test'
const HOSTS = [HOST, `www.${HOST}`]
const LIMIT = 4096

/** POST `bytes` bytes through the proxy; an early answer (413) may cut the upload short: still an answer. */
function post(world: World, host: string, path: string, bytes: number): Promise<{status: number; body: string}> {
  return new Promise((resolve, reject) => {
    const headers = {Host: host, 'Content-Length': String(bytes)}
    const request = http.request(`${world.url}${path}`, {method: 'POST', headers, agent: false, timeout: 15_000}, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({status: res.statusCode ?? 0, body}))
      res.on('error', reject)
    })
    request.on('timeout', () => request.destroy(new Error('request timed out')))
    request.on('error', reject)
    request.end(Buffer.alloc(bytes, 'x'))
  })
}

describe('recipe proxy options through kamal-proxy', () => {
  const {world, feed} = useWorld('popts')
  let recipeDir: string
  /** The app the first test installs (installed here when a test runs alone). */
  const app = () => installed(world, '1.0.0', {recipe: recipeDir, app: APP, host: HOST})

  before(() => {
    recipeDir = writeRecipe(join(world.home, 'recipes', 'testapp'), feed.url, {
      proxy: {
        hosts: ['{{inputs.hostname}}', 'www.{{inputs.hostname}}'],
        pathPrefix: '/shop',
        targetTimeout: '1s',
        maxRequestBody: LIMIT,
      },
    })
  })

  it('install serves the app on each host name, below its path prefix (stripped)', async () => {
    const {code, json, stderr} = await discodeJson(world, ['install', APP, '--recipe', recipeDir, '--set', `hostname=${HOST}`])
    assert.equal(code, 0, stderr)
    assert.deepEqual(json.hosts, HOSTS)
    assert.equal(json.pathPrefix, '/shop')
    for (const host of HOSTS) {
      assert.deepEqual(await httpGet(`${world.url}/shop/`, {host}), {status: 200, body: 'version=1.0.0\n'}, host)
    }
    assert.equal((await httpGet(`${world.url}/`, {host: HOST})).status, 404, 'nothing is routed outside the prefix')
    assert.equal((await httpGet(`${world.url}/shop/`, {host: 'other.test'})).status, 404, 'nor for another host')
    const text = await discode(world, ['status', APP])
    assert.equal(text.code, 0, text.stderr)
  })

  it('buffers request bodies: within the limit they reach the app, larger ones get a 413', async () => {
    await app()
    const small = await post(world, HOST, '/shop/cgi-bin/slow?ms=0', LIMIT)
    assert.deepEqual(small, {status: 200, body: 'slept=0 version=1.0.0\n'})
    assert.equal((await post(world, HOST, '/shop/cgi-bin/slow?ms=0', LIMIT * 4)).status, 413)
  })

  it('answers 504 when the app is slower than the target timeout', async () => {
    await app()
    assert.equal((await httpGet(`${world.url}/shop/cgi-bin/slow?ms=3000`, {host: HOST, timeoutMs: 15_000})).status, 504)
    assert.equal((await httpGet(`${world.url}/shop/cgi-bin/slow?ms=100`, {host: HOST})).status, 200)
  })

  it('an update keeps every option, with zero failed requests on the second host', async () => {
    await app()
    feed.setFeed(
      feedOf([
        {version: '1.0.0', tag: '1.0.0'},
        {version: '1.1.0', tag: '1.1.0'},
      ]),
    )
    const loop = startRequestLoop(`${world.url}/shop/`, {host: HOSTS[1], concurrency: 4})
    let result: Awaited<ReturnType<typeof discodeJson>> | undefined
    try {
      result = await discodeJson(world, ['update', APP])
    } finally {
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
    const seen = await loop.stop()
    assert.equal(result.code, 0, result.stderr)
    assert.ok(seen.total > 20, `the request loop sent only ${seen.total} requests`)
    assert.equal(seen.failures, 0, `failed requests: ${seen.failureSamples.join(' | ')}`)
    assert.deepEqual(await httpGet(`${world.url}/shop/`, {host: HOST}), {status: 200, body: 'version=1.1.0\n'})
    assert.equal((await post(world, HOST, '/shop/cgi-bin/slow?ms=0', LIMIT * 4)).status, 413)
  })

  it('validate and install refuse options the configured proxy is too old for, naming the version', async () => {
    await app()
    const serving = `version=${installedVersion(world, APP)}\n` // 1.1.0 after the update above
    const old = {...world, env: {...world.env, DISCODE_PROXY_IMAGE: 'basecamp/kamal-proxy:v0.8.7'}}
    const validated = await discode(old, ['recipes', 'validate', recipeDir])
    assert.equal(validated.code, 1)
    assert.match(validated.stderr, /proxy\.pathPrefix: --path-prefix needs kamal-proxy v0\.9\.0 or newer/)
    assert.match(validated.stderr, /proxy\.maxRequestBody: --max-request-body needs kamal-proxy v0\.9\.2 or newer/)
    assert.equal((await discode(world, ['recipes', 'validate', recipeDir])).code, 0, 'the stand-in (v0.9.x) has them all')

    const installed = await discode(old, ['install', 'popts-old', '--recipe', recipeDir, '--set', `hostname=old.${HOST}`])
    assert.equal(installed.code, 1)
    assert.match(installed.stderr, /Error: proxy\.pathPrefix \(--path-prefix\) needs kamal-proxy v0\.9\.0 or newer/)
    assert.match(installed.stderr, /Hint: Set DISCODE_PROXY_IMAGE=basecamp\/kamal-proxy:v0\.9\.2/)
    assert.deepEqual(await allAppContainers('popts-old'), [], 'nothing was created')
    assert.deepEqual(await httpGet(`${world.url}/shop/`, {host: HOST}), {status: 200, body: serving})
  })
})
