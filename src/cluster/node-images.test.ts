import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, it} from 'node:test'

import type {SwarmNodeInfo} from '../docker/swarm.js'
import type {DiscodeError} from '../errors.js'
import type {Engine} from '../lifecycle/context.js'
import {containerRuntime} from '../lifecycle/release-runtime.js'
import {assertPlanComplete, nodeDockerOptions, onNodesRef, planNodeLoads, readNodeImages, recordNodeImages} from './node-images.js'

const node = (id: string, state = 'ready', role = 'worker'): SwarmNodeInfo => ({
  id,
  hostname: `host-${id}`,
  role,
  state,
  availability: 'active',
  address: `10.0.0.${id.length}`,
  leader: false,
})

describe('nodeDockerOptions', () => {
  it('reads ssh, tcp and unix endpoints, overriding what DOCKER_HOST set for the manager', () => {
    const ssh = nodeDockerOptions('ssh://admin@10.0.0.6')
    assert.equal(ssh.protocol, 'ssh')
    assert.equal(ssh.host, '10.0.0.6')
    assert.equal(ssh.port, '22')
    assert.equal(ssh.username, 'admin')
    assert.equal(ssh.socketPath, undefined)
    assert.deepEqual(nodeDockerOptions('unix:///run/swarm2/docker.sock'), {
      socketPath: '/run/swarm2/docker.sock',
      host: undefined,
      port: undefined,
      protocol: undefined,
    })
    const tls = nodeDockerOptions('tcp://node3:2376')
    assert.deepEqual([tls.protocol, tls.host, tls.port], ['https', 'node3', '2376'])
  })

  it('refuses what is no Docker endpoint', () => {
    for (const bad of ['node3', 'unix://', 'http://node3:2375', 'tcp://node3']) {
      assert.throws(
        () => nodeDockerOptions(bad),
        (error: DiscodeError) => error.code === 'BUNDLE_NODE_ENDPOINT' && /ssh:\/\/user@host/.test(error.hint ?? ''),
      )
    }
  })
})

describe('planNodeLoads', () => {
  const nodes = [node('m', 'ready', 'manager'), node('w1'), node('w2'), node('w3', 'down')]

  it('loads every ready worker through its endpoint once; the manager and down nodes get nothing', () => {
    const plan = planNodeLoads(nodes, 'm', [
      {endpoint: 'ssh://w2', nodeId: 'w2'},
      {endpoint: 'ssh://w1', nodeId: 'w1'},
      {endpoint: 'ssh://m', nodeId: 'm'},
    ])
    assert.deepEqual(
      plan.targets.map((t) => [t.node.id, t.endpoint]),
      [
        ['w1', 'ssh://w1'],
        ['w2', 'ssh://w2'],
      ],
    )
    assert.deepEqual(
      plan.down.map((n) => n.id),
      ['w3'],
    )
    assert.deepEqual(plan.missing, [])
    assertPlanComplete(plan)
  })

  it('refuses a ready worker no endpoint reaches, naming it', () => {
    const plan = planNodeLoads(nodes, 'm', [{endpoint: 'ssh://w1', nodeId: 'w1'}])
    assert.deepEqual(
      plan.missing.map((n) => n.id),
      ['w2'],
    )
    assert.throws(
      () => assertPlanComplete(plan),
      (error: DiscodeError) =>
        error.code === 'BUNDLE_NODE_UNREACHED' && /host-w2/.test(error.message) && /Nothing was loaded/.test(error.hint ?? ''),
    )
  })

  it("refuses an endpoint whose Docker is no node of this swarm (another cluster's, or none)", () => {
    const plan = planNodeLoads(nodes, 'm', [
      {endpoint: 'ssh://w1', nodeId: 'w1'},
      {endpoint: 'ssh://w2', nodeId: 'w2'},
      {endpoint: 'ssh://elsewhere', nodeId: 'x9'},
      {endpoint: 'ssh://plain'},
    ])
    assert.deepEqual(plan.strangers, ['ssh://elsewhere', 'ssh://plain'])
    assert.throws(
      () => assertPlanComplete(plan),
      (error: DiscodeError) => error.code === 'BUNDLE_NODE_UNKNOWN' && /ssh:\/\/elsewhere/.test(error.message),
    )
  })
})

describe('the images loaded onto the nodes', () => {
  it('are named by id once recorded; any other image is left to its registry digest', () => {
    const home = mkdtempSync(join(tmpdir(), 'discode-node-images-'))
    try {
      assert.equal(onNodesRef('sha256:aa', readNodeImages(home)), undefined)
      recordNodeImages(home, ['sha256:bb', 'sha256:aa'])
      recordNodeImages(home, ['sha256:aa', 'sha256:cc'])
      const loaded = readNodeImages(home)
      assert.deepEqual([...loaded], ['sha256:aa', 'sha256:bb', 'sha256:cc'])
      assert.equal(onNodesRef('sha256:aa', loaded), 'sha256:aa')
      assert.equal(onNodesRef('sha256:dd', loaded), undefined)
    } finally {
      rmSync(home, {recursive: true, force: true})
    }
  })
})

describe('a single-host app', () => {
  it('loads a bundle into this engine only, and refuses --node-docker before anything is loaded', async () => {
    const engine = {} as Engine
    assert.equal(await containerRuntime.bundleTargets(engine, []), undefined)
    await assert.rejects(containerRuntime.bundleTargets(engine, ['ssh://admin@node2']), (error: DiscodeError) => {
      return error.code === 'BUNDLE_NOT_CLUSTER' && /Nothing was loaded/.test(error.hint ?? '')
    })
  })
})
