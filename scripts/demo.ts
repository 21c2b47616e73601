/**
 * `npm run demo`: discode's main job on this machine, end to end.
 * Builds the demo app's images (1.0.0 and 1.1.0) locally, pushes them to the local registry, serves a
 * release feed on 127.0.0.1:5080, installs the built-in `demo` recipe, then updates it to 1.1.0 while a
 * request loop runs through the proxy, and prints what the loop saw.
 * The proxy is basecamp/kamal-proxy when it is on this machine or can be pulled; otherwise the project's
 * stand-in (said so): see scripts/proxy-image.ts.
 */
import {execFile} from 'node:child_process'
import {mkdirSync} from 'node:fs'
import {join} from 'node:path'

import {ROOT} from '../test/support/discode.js'
import {httpGet, startFeedServer, startRequestLoop} from '../test/support/http.js'
import {buildAndPushTestImages, docker, REGISTRY} from '../test/support/images.js'
import {cleanupHint} from './demo-hints.js'
import {chooseProxyImageHere} from './proxy-image.js'

const APP = 'demo'
const HOST = 'demo.localhost'
const REPOSITORY = `${REGISTRY}/discode-demo/app`
const port = Number(process.env.DISCODE_PROXY_HTTP_PORT ?? 8080)
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DISCODE_HOME: process.env.DISCODE_HOME ?? join(ROOT, '.tmp', 'demo-home'),
  DISCODE_PROXY_HTTP_PORT: String(port),
  DISCODE_PROXY_HTTPS_PORT: process.env.DISCODE_PROXY_HTTPS_PORT ?? '8443',
  DISCODE_PROXY_BIND: process.env.DISCODE_PROXY_BIND ?? '127.0.0.1',
}

function say(line: string) {
  process.stdout.write(`demo: ${line}\n`)
}

/** A demo run starts from scratch: an earlier run's demo app (in the demo's own DISCODE_HOME) goes. */
function removeEarlierDemo(): Promise<void> {
  return new Promise((ok) =>
    execFile(process.execPath, [join(ROOT, 'bin/run.js'), 'uninstall', APP, '--purge', '--yes', '--no-snapshot'], {env}, () => ok()),
  )
}

function discode(args: string[]): Promise<void> {
  say(`$ discode ${args.join(' ')}`)
  return new Promise((ok, fail) => {
    const child = execFile(process.execPath, [join(ROOT, 'bin/run.js'), ...args], {env}, (error) =>
      error ? fail(new Error(`discode ${args[0]} failed`)) : ok(),
    )
    child.stdout?.pipe(process.stdout)
    child.stderr?.pipe(process.stderr)
  })
}

async function main() {
  mkdirSync(env.DISCODE_HOME!, {recursive: true})
  const proxy = await chooseProxyImageHere(env)
  say(`proxy: ${proxy.description}`)
  env.DISCODE_PROXY_IMAGE = proxy.image
  say('building the demo images 1.0.0 and 1.1.0 and pushing them to the local registry')
  const images = await buildAndPushTestImages()
  for (const version of ['1.0.0', '1.1.0'] as const) {
    await docker(['tag', images.tags[version], `${REPOSITORY}:${version}`])
    await docker(['push', `${REPOSITORY}:${version}`])
  }

  const release = (version: string) => ({version, image: `${REPOSITORY}:${version}`, channel: 'stable'})
  const feed = await startFeedServer({releases: [release('1.0.0')]}, {port: 5080})
  const url = `http://127.0.0.1:${port}/`
  try {
    await removeEarlierDemo()
    await discode(['install', APP, '--set', `hostname=${HOST}`, '--set', `feed_url=${feed.url}`, '--yes'])
    say(`GET ${url} (Host: ${HOST}) -> ${(await httpGet(url, {host: HOST})).body.trim()}`)

    say('the vendor publishes 1.1.0; updating while a request loop runs through the proxy')
    feed.setFeed({releases: [release('1.0.0'), release('1.1.0')]})
    const loop = startRequestLoop(url, {host: HOST, concurrency: 4})
    await discode(['update', APP])
    await new Promise((r) => setTimeout(r, 500))
    const result = await loop.stop()

    const seen = [...result.bodies.entries()].map(([body, n]) => `${body.trim()}: ${n}`).join(', ')
    say(`requests: ${result.total}, failed: ${result.failures}, seen: ${seen}`)
    say(`now serving: ${(await httpGet(url, {host: HOST})).body.trim()}`)
    say(`try: curl -H 'Host: ${HOST}' ${url}   |   DISCODE_HOME=${env.DISCODE_HOME} ./bin/run.js status`)
    say(`clean up: ${cleanupHint(env, APP)}`)
    if (result.failures > 0) process.exitCode = 1
  } finally {
    await feed.close()
  }
}

main().catch((error: Error) => {
  process.stderr.write(`demo: ${error.message}\n`)
  process.exitCode = 1
})
