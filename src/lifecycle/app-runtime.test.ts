import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, it} from 'node:test'

import {appRuntime} from './app-runtime.js'
import type {Engine} from './context.js'
import {containerRuntime, type ReleaseRuntime} from './release-runtime.js'

describe('appRuntime', () => {
  it("gives a single-host app's work its own network, and a cluster app's the runtime's engine", async () => {
    const engine = {
      settings: {network: 'discode'},
      proxy: {baseNetwork: 'discode'},
      runtimeFor: async (record?: {cluster?: unknown}) =>
        record?.cluster
          ? ({...containerRuntime, appEngine: (e: Engine) => ({...e, settings: {...e.settings, network: 'overlay'}})} as ReleaseRuntime)
          : containerRuntime,
    } as unknown as Engine
    const one = await appRuntime(engine, 'shop', undefined)
    assert.equal(one.runtime, containerRuntime)
    assert.equal(one.engine.settings.network, 'discode.shop')
    assert.equal(engine.settings.network, 'discode', 'the engine given is left as it was')
    const cluster = await appRuntime(engine, 'shop', {cluster: {replicas: 2, network: 'overlay'}} as never)
    assert.equal(cluster.engine.settings.network, 'overlay')
  })

  it('is the only place in src/ that asks a runtime for the app engine', () => {
    const src = join(import.meta.dirname, '..')
    const callers = readdirSync(src, {recursive: true, encoding: 'utf8'})
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.includes('testing/'))
      .filter((file) => /\.appEngine\(/.test(readFileSync(join(src, file), 'utf8')))
    assert.deepEqual(callers, ['lifecycle/app-runtime.ts'])
  })
})
