/**
 * The multi-node Swarm test stand (test/support/swarm.ts) proves itself with the docker CLI alone:
 * three dockerd in their own network namespaces form a swarm, a 3-replica dnsrr service of the test
 * app pulls from the stand's registry (the project registry's storage) and spreads over the nodes,
 * and the kamal-proxy stand-in, a plain container on node 1 on an attachable overlay network, spreads
 * new upstream connections over the replicas as the real proxy does (each dial resolves the name).
 * Teardown leaves the host as it was.
 */
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {execFile} from 'node:child_process'
import {after, before, describe, it} from 'node:test'

import {buildStandinImage, STANDIN_IMAGE} from '../support/discode.js'
import {eventually, httpGet} from '../support/http.js'
import {buildAndPushTestImages, docker} from '../support/images.js'
import {createSwarmStand, type SwarmNode, type SwarmStand} from '../support/swarm.js'

const NETWORK = 'swtest-net'
const SERVICE = 'app-v1'
const PROXY = 'swtest-proxy'
const HOST = 'app.test'
const REQUESTS = 60

const ip = (args: string[]) =>
  new Promise<string>((resolve, reject) =>
    execFile('ip', args, (error, stdout, stderr) => (error ? reject(new Error(String(stderr))) : resolve(String(stdout)))),
  )

describe('the swarm test stand', () => {
  let stand: SwarmStand
  let manager: SwarmNode
  /** The test app 1.0.0 as the nodes see it, pinned to the digest this run pushed. */
  let appImage: string

  before(async () => {
    const [images] = await Promise.all([buildAndPushTestImages(), buildStandinImage()])
    const pushed = (await docker(['image', 'inspect', '--format', '{{join .RepoDigests "\\n"}}', images.tags['1.0.0']])).stdout
    const digest = /@(sha256:[0-9a-f]{64})/.exec(pushed.split('\n').find((line) => line.startsWith(images.repository)) ?? '')?.[1]
    assert.ok(digest, `a digest for ${images.tags['1.0.0']} in ${pushed}`)
    const started = Date.now()
    stand = await createSwarmStand({nodes: 3})
    console.log(`stand up in ${Date.now() - started} ms`)
    manager = stand.nodes[0]
    appImage = `${stand.registry}/discode-test/app:1.0.0@${digest}`
  })

  after(async () => {
    await stand?.teardown()
  })

  it('forms a 3-node swarm with distinct hostnames, all Ready', async () => {
    const init = await stand.docker(manager, [
      ...['swarm', 'init', '--advertise-addr', manager.address, '--listen-addr', `${manager.address}:2377`],
      ...['--default-addr-pool', '10.251.0.0/16', '--default-addr-pool-mask-length', '24'],
    ])
    await stand.joinWorkers(init.stdout)
    const nodes = await eventually(async () => {
      const rows = (await stand.docker(manager, ['node', 'ls', '--format', '{{.Hostname}} {{.Status}}'])).stdout.trim().split('\n')
      return rows.length === 3 && rows.every((row) => row.endsWith(' Ready')) ? rows : undefined
    })
    assert.deepEqual(nodes.map((row) => row.split(' ')[0]).sort(), ['swnode1', 'swnode2', 'swnode3'])
  })

  it('serves a 3-replica dnsrr service through the stand-in proxy from every node', async () => {
    await stand.docker(manager, ['network', 'create', '--driver', 'overlay', '--attachable', NETWORK])
    await stand.loadImage(manager, STANDIN_IMAGE)
    await stand.docker(manager, ['run', '--detach', '--name', PROXY, '--network', NETWORK, '--publish', '8080:80', STANDIN_IMAGE])
    await stand.docker(manager, [
      ...['service', 'create', '--detach', '--name', SERVICE, '--network', NETWORK, '--endpoint-mode', 'dnsrr'],
      ...['--replicas', '3', '--placement-pref', 'spread=node.id', '--env', 'DISCODE_NODE={{.Node.Hostname}}', appImage],
    ])
    await eventually(
      async () => {
        const states = (
          await stand.docker(manager, ['service', 'ps', '--filter', 'desired-state=running', '--format', '{{.CurrentState}}', SERVICE])
        ).stdout
        return (
          states
            .trim()
            .split('\n')
            .filter((state) => state.startsWith('Running')).length === 3
        )
      },
      {timeoutMs: 60_000},
    )
    await stand.docker(manager, ['exec', PROXY, 'kamal-proxy', 'deploy', 'app', '--target', `${SERVICE}:80`, '--host', HOST], {
      timeoutMs: 60_000,
    })

    const seen = new Map<string, number>()
    for (let i = 0; i < REQUESTS; i++) {
      const {status, body} = await httpGet(`http://${manager.address}:8080/cgi-bin/node`, {host: HOST})
      assert.equal(status, 200, body)
      const node = /^node=(.*)\n$/.exec(body)?.[1]
      assert.ok(node, `a node name in ${JSON.stringify(body)}`)
      seen.set(node, (seen.get(node) ?? 0) + 1)
    }
    console.log(`requests per node: ${JSON.stringify(Object.fromEntries([...seen].sort()))}`)
    assert.deepEqual([...seen.keys()].sort(), ['swnode1', 'swnode2', 'swnode3'], 'new upstream connections reach every replica')
  })

  it('tears down without leftovers', async () => {
    const started = Date.now()
    await stand.teardown()
    console.log(`stand down in ${Date.now() - started} ms`)
    const namespaces = await ip(['netns', 'list'])
    assert.doesNotMatch(namespaces, /^(swhub|swnode\d+)\b/m)
    assert.doesNotMatch(await ip(['link', 'show']), /swtest0/)
    for (const node of stand.nodes) assert.equal(existsSync(`/run/swarm${node.index}`), false, `/run/swarm${node.index} is gone`)
    assert.equal(
      (await docker(['info', '--format', '{{.Swarm.LocalNodeState}}'])).stdout.trim(),
      'inactive',
      "the host's own dockerd is untouched",
    )
  })
})
