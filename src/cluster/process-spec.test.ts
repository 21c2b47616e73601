import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {Recipe} from '../recipes/schema.js'
import {assertProcessesFit, PROCESS_REPLICAS_LABEL, processServiceSpec, serviceStopReport, unsettledReason} from './process-spec.js'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Docker's ServiceSpec is a deep JSON shape
type Json = Record<string, any>

const recipe = {
  env: {DATABASE_URL: 'postgres://db/shop', QUEUE: 'all'},
  volumes: [],
  init: true,
  stop: {signal: 'SIGQUIT', timeout: '20s'},
  strategy: 'bluegreen',
  processes: {
    worker: {
      command: 'bin/jobs --queue default',
      replicas: 2,
      singleton: false,
      env: {QUEUE: 'default'},
      stop: {signal: 'SIGTERM', timeout: '45s'},
      health: {command: 'test -f /tmp/ready', timeout: '20s', settle: '3s'},
    },
    clock: {command: ['bin/clock'], replicas: 1, singleton: true, env: {}, health: {timeout: '60s', settle: '3s'}},
  },
} as unknown as Recipe
const release = {version: '1.1.0', image: 'reg:5000/shop:1.1.0', pullRef: 'reg:5000/shop@sha256:aa', imageId: 'sha256:bb', key: 'k1'}
const spec = (process: string) =>
  processServiceSpec('shop', recipe, release, {
    process,
    name: `shop-k1-${process}`,
    network: 'discode-cluster',
    placement: {maxPerNode: 1},
  }) as Json

describe('processServiceSpec', () => {
  it("is the release's service for one process: its name, replicas and labels beside the web's", () => {
    const worker = spec('worker')
    assert.equal(worker.Name, 'shop-k1-worker')
    assert.deepEqual(worker.Mode, {Replicated: {Replicas: 2}})
    assert.deepEqual(worker.Labels, {
      'discode.app': 'shop',
      'discode.version': '1.1.0',
      'discode.release': 'k1',
      'discode.image': 'reg:5000/shop:1.1.0',
      'discode.image-id': 'sha256:bb',
      'discode.process': 'worker',
      [PROCESS_REPLICAS_LABEL]: '2',
      'discode.stop-source': 'recipe',
    })
    assert.equal(worker.TaskTemplate.ContainerSpec.Image, 'reg:5000/shop@sha256:aa', 'the digest every node pulls')
    assert.deepEqual(worker.TaskTemplate.Networks, [{Target: 'discode-cluster'}])
    assert.equal(worker.TaskTemplate.Placement.MaxReplicas, 1)
  })

  it("runs the process's command as the image's CMD, with the web's env and its own on top", () => {
    const container = spec('worker').TaskTemplate.ContainerSpec
    assert.deepEqual(container.Args, ['bin/jobs', '--queue', 'default'])
    assert.equal(container.Command, undefined, "the image's entrypoint is kept, as on one host")
    assert.deepEqual(container.Env, ['DATABASE_URL=postgres://db/shop', 'QUEUE=default', 'DISCODE_NODE={{.Node.Hostname}}'])
    assert.equal(container.Init, true)
  })

  it("stops with the process's own signal and grace period, not the web's; without one, the image's signal and 30 s", () => {
    const worker = spec('worker').TaskTemplate.ContainerSpec
    assert.equal(worker.StopSignal, 'SIGTERM')
    assert.equal(worker.StopGracePeriod, 45e9)
    const clock = spec('clock')
    assert.equal(clock.TaskTemplate.ContainerSpec.StopSignal, undefined, "the web's SIGQUIT is not inherited")
    assert.equal(clock.TaskTemplate.ContainerSpec.StopGracePeriod, 30e9)
    assert.equal(clock.Labels['discode.stop-source'], 'image')
  })

  it("reports its stop as status shows it: the recipe's, else the image's STOPSIGNAL, else Docker's SIGTERM", () => {
    assert.deepEqual(serviceStopReport(spec('worker'), 'SIGINT'), {signal: 'SIGTERM', source: 'recipe', timeout: 45})
    assert.deepEqual(serviceStopReport(spec('clock'), 'SIGQUIT'), {signal: 'SIGQUIT', source: 'image', timeout: 30})
    assert.deepEqual(serviceStopReport(spec('clock')), {signal: 'SIGTERM', source: 'docker', timeout: 30})
  })

  it('turns the health command into the task health check Swarm waits for; none without one', () => {
    const check = spec('worker').TaskTemplate.ContainerSpec.Healthcheck
    assert.deepEqual(check.Test, ['CMD', 'test', '-f', '/tmp/ready'])
    assert.equal(check.StartPeriod, 20e9, 'the recipe health timeout')
    assert.equal(spec('clock').TaskTemplate.ContainerSpec.Healthcheck, undefined)
  })
})

describe('unsettledReason (a process without a health command)', () => {
  const since = new Date('2026-01-01T00:00:00Z')
  const task = (state: string, createdAt = '2026-01-01T00:00:01Z', desiredState = 'running') => ({state, desiredState, createdAt})
  it('is settled when every replica still runs and none failed since the wait began', () => {
    assert.equal(
      unsettledReason([task('running'), task('running'), task('failed', '2025-12-31T00:00:00Z', 'shutdown')], 2, since),
      undefined,
    )
  })
  it('is not when a replica failed since (Swarm restarted it) or fewer run', () => {
    const failed = {...task('failed', '2026-01-01T00:00:02Z', 'shutdown'), exitCode: 1, error: 'task: non-zero exit (1)'}
    assert.equal(
      unsettledReason([task('running'), task('running'), failed], 2, since),
      'a replica exited with code 1 (task: non-zero exit (1))',
    )
    assert.equal(unsettledReason([task('running')], 2, since), '1 of 2 replicas still run')
  })
})

describe('assertProcessesFit', () => {
  const volumes = [{name: 'uploads', path: '/data'}]
  it('refuses a process of several replicas over local volumes, and says what the recipe must change', () => {
    assert.throws(() => assertProcessesFit('shop', {...recipe, volumes} as Recipe), {
      code: 'CLUSTER_VOLUMES',
      message: /shop keeps data in local volumes \(uploads\): its process worker would run 2 replicas/,
    })
  })
  it('lets one replica per process run beside the volumes, and any replicas without volumes', () => {
    const single = {...recipe, volumes, processes: {clock: recipe.processes.clock}} as Recipe
    assert.doesNotThrow(() => assertProcessesFit('shop', single))
    assert.doesNotThrow(() => assertProcessesFit('shop', recipe))
  })
})
