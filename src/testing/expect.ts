/** Assertions the orchestration tests share: who serves, and in which order the fake saw calls. */
import assert from 'node:assert/strict'

import type {DiscodeError} from '../errors.js'

import {APP} from './shop.js'
import type {FakeWorld} from './fake-engine.js'

/** The invariant after every command: the proxy routes to the recorded current release, which runs, and no other release runs. */
export async function assertServing(world: FakeWorld, version: string): Promise<void> {
  const record = await world.record(APP)
  assert.equal(record?.current?.version, version, 'the recorded current release')
  const live = world.proxy.live(APP)
  assert.equal(live, record?.current?.container, 'the proxy routes to the recorded release')
  assert.equal(world.proxy.routes.get(APP)?.state, 'running', 'the route is not left paused')
  const cluster = record?.cluster
  if (cluster) {
    assert.equal(world.docker.swarm.running(live!), cluster.replicas, 'the serving service runs all its replicas')
    const process = (s: string) =>
      (world.docker.swarm.services.get(s)?.spec.Labels as Record<string, string> | undefined)?.['discode.process']
    const others = [...world.docker.swarm.services.keys()].filter((s) => s !== live && !process(s) && world.docker.swarm.running(s) > 0)
    assert.deepEqual(others, [], 'no other release service has replicas running')
  } else {
    const labels = (name: string) => world.docker.containers.get(name)?.labels ?? {}
    const running = world.docker.named(APP, 'running').filter((name) => labels(name)['discode.release'] && !labels(name)['discode.process'])
    assert.deepEqual(running, [live], 'only the serving release runs')
  }
}

/** The index of the first call at `point` on a target containing `target` (-1: none). */
export function firstCall(world: FakeWorld, point: string, target = ''): number {
  return world.docker.calls.findIndex((c) => c.point === point && c.target.includes(target))
}

/** The proxy deploy that targeted `container`. */
export function deployOf(world: FakeWorld, container: string): number {
  return world.docker.calls.findIndex((c) => c.point === 'proxy.deploy' && (c.detail as string[]).includes(`--target=${container}:80`))
}

/** The error a command failed with (the test fails if it succeeded). */
export async function failure(run: Promise<unknown>): Promise<DiscodeError> {
  return run.then(
    () => assert.fail('the command succeeded'),
    (error: unknown) => error as DiscodeError,
  )
}
