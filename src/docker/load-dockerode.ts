import type Dockerode from 'dockerode'
import {createRequire, Module} from 'node:module'
import {dirname, join} from 'node:path'

let loaded: typeof Dockerode | undefined

/**
 * Loads dockerode without the modules its files require at the top but use only in calls discode
 * never makes (BuildKit sessions: gRPC and protobuf, some 150 ms; build contexts: tar-fs; ssh://
 * hosts: ssh2; attaching stdin: readable-stream). Each waits in require's cache as a stand-in that
 * loads the real module on first use, so those calls still work. No patch of node_modules is
 * needed, so a customer's `npm install -g discode` starts as fast as a developer's tree.
 */
export function loadDockerode(): typeof Dockerode {
  if (loaded) return loaded
  const require = createRequire(import.meta.url)
  const dockerode = dirname(require.resolve('dockerode/package.json'))
  // docker-modem as dockerode resolves it (its own copy, should npm have nested one).
  const modem = dirname(createRequire(join(dockerode, 'lib', 'docker.js')).resolve('docker-modem/package.json'))
  deferModule(join(dockerode, 'lib', 'session.js'))
  deferModule(createRequire(join(dockerode, 'lib', 'util.js')).resolve('tar-fs'))
  deferModule(join(modem, 'lib', 'ssh.js'))
  deferModule(join(modem, 'lib', 'http_duplex.js'))
  loaded = require('dockerode') as typeof Dockerode
  return loaded
}

/**
 * Puts a stand-in for the CommonJS module at `path` in require's cache (unless it is loaded already):
 * calling it, constructing it or reading a property loads the real module, which then replaces it.
 */
export function deferModule(path: string): void {
  const require = createRequire(path)
  if (require.cache[path]) return
  let real: object | undefined
  const load = (): object => {
    if (!real) {
      delete require.cache[path]
      real = require(path) as object
    }
    return real
  }
  const standIn = new Proxy(function deferred() {}, {
    apply: (_target, self, args) => Reflect.apply(load() as (...a: unknown[]) => unknown, self, args),
    construct: (_target, args) => Reflect.construct(load() as new (...a: unknown[]) => object, args),
    get: (_target, key) => Reflect.get(load(), key) as unknown,
    has: (_target, key) => Reflect.has(load(), key),
  })
  const module = new Module(path)
  module.filename = path
  module.loaded = true
  module.exports = standIn
  require.cache[path] = module
}
