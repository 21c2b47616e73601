import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {DiscodeError} from '../errors.js'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Docker's ServiceSpec is a deep JSON shape
type Json = Record<string, any>
import type {Recipe} from '../recipes/schema.js'
import {
  clusterPlacement,
  clusterPullRef,
  hookJobSpec,
  IMAGE_ID_LABEL,
  maxReplicasPerNode,
  releaseServiceSpec,
  respreadSpec,
} from './service-spec.js'

const recipe = (volumes: {name: string; path: string}[] = []) =>
  ({
    env: {DATABASE_URL: 'postgres://db/shop'},
    volumes,
    init: true,
    stop: {signal: 'SIGQUIT', timeout: '20s'},
    strategy: 'bluegreen',
  }) as unknown as Recipe
const release = {version: '1.1.0', image: 'reg:5000/shop:1.1.0', pullRef: 'reg:5000/shop@sha256:aa', imageId: 'sha256:bb', key: 'k1'}

describe('releaseServiceSpec', () => {
  const spec = releaseServiceSpec('shop', recipe(), release, {name: 'shop-k1', replicas: 3, network: 'discode-cluster', placement: {}}) as {
    Labels: Record<string, string>
    TaskTemplate: Json
    Mode: unknown
    EndpointSpec: unknown
  }

  it('runs the digest every node pulls, N replicas, reachable by name without a virtual IP', () => {
    assert.equal(spec.TaskTemplate.ContainerSpec.Image, 'reg:5000/shop@sha256:aa')
    assert.deepEqual(spec.Mode, {Replicated: {Replicas: 3}})
    assert.deepEqual(spec.EndpointSpec, {Mode: 'dnsrr'})
    assert.deepEqual(spec.TaskTemplate.Networks, [{Target: 'discode-cluster'}])
  })

  it("carries the recipe's env, stop settings and init, and tells each replica its node", () => {
    const container = spec.TaskTemplate.ContainerSpec
    assert.deepEqual(container.Env, ['DATABASE_URL=postgres://db/shop', 'DISCODE_NODE={{.Node.Hostname}}'])
    assert.equal(container.StopSignal, 'SIGQUIT')
    assert.equal(container.StopGracePeriod, 20e9)
    assert.equal(container.Init, true)
  })

  it('spreads over nodes by preference, and restarts failed tasks', () => {
    assert.deepEqual(spec.TaskTemplate.Placement, {Constraints: [], Preferences: [{Spread: {SpreadDescriptor: 'node.id'}}]})
    assert.equal(spec.TaskTemplate.RestartPolicy.Condition, 'any')
  })

  it("limits the replicas per node to each ready node's share", () => {
    const limited = releaseServiceSpec('shop', recipe(), release, {
      name: 'shop-k1',
      replicas: 3,
      network: 'n',
      placement: {maxPerNode: 1},
    }) as {
      TaskTemplate: Json
    }
    assert.equal(limited.TaskTemplate.Placement.MaxReplicas, 1)
    assert.equal(maxReplicasPerNode(3, 3), 1)
    assert.equal(maxReplicasPerNode(3, 2), 2, 'a node down at deploy time: the release still fits on the others')
    assert.equal(maxReplicasPerNode(4, 3), 2)
    assert.equal(maxReplicasPerNode(2, 0), 2)
  })

  it('labels the service like a release container, with the manager image id, and no env value', () => {
    assert.equal(spec.Labels['discode.release'], 'k1')
    assert.equal(spec.Labels[IMAGE_ID_LABEL], 'sha256:bb')
    assert.ok(!JSON.stringify(spec.Labels).includes('postgres://'))
  })

  it('pins an app with volumes to its node', () => {
    const pinned = releaseServiceSpec('shop', recipe([{name: 'data', path: '/data'}]), release, {
      name: 'shop-k1',
      replicas: 1,
      network: 'n',
      placement: {pinnedTo: 'node-a'},
    }) as {TaskTemplate: Json}
    assert.deepEqual(pinned.TaskTemplate.Placement.Constraints, ['node.id==node-a'])
    assert.deepEqual(pinned.TaskTemplate.ContainerSpec.Mounts, [{Type: 'volume', Source: 'shop-data', Target: '/data'}])
  })
})

describe('hookJobSpec', () => {
  it('runs the command once as a job, never restarted, labelled as a hook', () => {
    const job = hookJobSpec('shop', recipe(), release, {
      name: 'shop-hook-1',
      cmd: ['migrate'],
      hook: 'migrate',
      network: 'n',
      placement: {},
    }) as {
      Labels: Record<string, string>
      TaskTemplate: Json
      Mode: unknown
    }
    assert.deepEqual(job.Mode, {ReplicatedJob: {MaxConcurrent: 1, TotalCompletions: 1}})
    assert.deepEqual(job.TaskTemplate.ContainerSpec.Command, ['migrate'])
    assert.equal(job.TaskTemplate.RestartPolicy.Condition, 'none')
    assert.equal(job.Labels['discode.hook'], 'migrate')
  })
})

describe('clusterPlacement', () => {
  it('lets an app without volumes run anywhere', () => {
    assert.deepEqual(clusterPlacement('shop', recipe(), 3, 'node-a'), {})
  })

  it('pins a one-replica app with volumes to the manager', () => {
    assert.deepEqual(clusterPlacement('shop', recipe([{name: 'data', path: '/data'}]), 1, 'node-a'), {pinnedTo: 'node-a'})
  })

  it('refuses several replicas over local volumes, saying why', () => {
    assert.throws(
      () => clusterPlacement('shop', recipe([{name: 'data', path: '/data'}]), 3, 'node-a'),
      (e: DiscodeError) => e.code === 'CLUSTER_VOLUMES' && /data/.test(e.message) && /--replicas 1/.test(e.hint ?? ''),
    )
  })

  it('refuses the pause strategy', () => {
    assert.throws(() => clusterPlacement('shop', {...recipe(), strategy: 'pause'} as Recipe, 1, 'n'), /pause strategy/)
  })
})

describe('clusterPullRef', () => {
  it("picks the repo digest of the feed's repository", () => {
    const digests = ['other/x@sha256:00', '127.0.0.1:5000/shop@sha256:11']
    assert.equal(clusterPullRef('127.0.0.1:5000/shop:1.0.0', digests), '127.0.0.1:5000/shop@sha256:11')
    assert.equal(clusterPullRef('127.0.0.1:5000/shop@sha256:11', digests), '127.0.0.1:5000/shop@sha256:11')
  })

  it('refuses an image no registry knows (built or loaded on this host only)', () => {
    assert.throws(
      () => clusterPullRef('shop:dev', []),
      (e: DiscodeError) => e.code === 'CLUSTER_IMAGE_NOT_IN_REGISTRY',
    )
  })
})

describe('respreadSpec', () => {
  const spec = {Name: 's', TaskTemplate: {Placement: {MaxReplicas: 2, Preferences: []}, ForceUpdate: 4}, UpdateConfig: {Monitor: 5}}

  it('replaces every task under the limit of the nodes ready now', () => {
    const next = respreadSpec(spec, 3, 3) as Json
    assert.equal(next.TaskTemplate.Placement.MaxReplicas, 1)
    assert.deepEqual(next.TaskTemplate.Placement.Preferences, [])
    assert.equal(next.TaskTemplate.ForceUpdate, 5)
    assert.equal(next.UpdateConfig.Monitor, 5)
  })

  it('stops the old task first only when no node has room for a new one', () => {
    assert.equal((respreadSpec(spec, 3, 3) as Json).UpdateConfig.Order, 'stop-first')
    assert.equal((respreadSpec(spec, 4, 3) as Json).UpdateConfig.Order, 'start-first')
  })
})
