import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, it} from 'node:test'
import {fileURLToPath} from 'node:url'

import {deferModule} from './load-dockerode.js'

const FIXTURE = `
globalThis.deferredLoads = (globalThis.deferredLoads ?? 0) + 1
class Greeter { constructor(name) { this.name = name } hello() { return 'hello ' + this.name } }
function greet(name) { return 'hi ' + name }
greet.Greeter = Greeter
greet.version = 3
module.exports = greet
`

describe('deferModule', () => {
  it('loads the real module only when it is first called, constructed or read, then leaves it in the cache', () => {
    const dir = mkdtempSync(join(tmpdir(), 'discode-defer-'))
    const globals = globalThis as {deferredLoads?: number}
    try {
      const path = join(dir, 'greet.cjs')
      writeFileSync(path, FIXTURE)
      const require = createRequire(path)
      delete globals.deferredLoads
      deferModule(path)
      const standIn = require(path) as ((name: string) => string) & {version: number; Greeter: new (n: string) => {hello(): string}}
      assert.equal(globals.deferredLoads, undefined, 'required, not loaded')
      assert.equal(standIn('ann'), 'hi ann')
      assert.equal(globals.deferredLoads, 1)
      assert.equal(standIn.version, 3)
      assert.equal(new standIn.Greeter('bob').hello(), 'hello bob')
      assert.notEqual(require(path), standIn, 'the real module replaced the stand-in')
      assert.equal(globals.deferredLoads, 1, 'loaded once')
    } finally {
      delete globals.deferredLoads
      rmSync(dir, {recursive: true, force: true})
    }
  })
})

describe('loadDockerode', () => {
  it('gives a working dockerode without loading gRPC, protobuf, tar-fs or ssh2 (in a fresh process)', () => {
    // Compiled (npm run test:unit), the module beside this file is JavaScript: no tsx to start.
    const compiled = import.meta.url.endsWith('.js')
    const module = fileURLToPath(new URL(compiled ? './load-dockerode.js' : './load-dockerode.ts', import.meta.url))
    // A package counts as loaded when one of its files is in require's cache as itself, not as a stand-in.
    const script = `
      import {createRequire} from 'node:module'
      import {types} from 'node:util'
      const {loadDockerode} = await import(${JSON.stringify(module)})
      const Docker = loadDockerode()
      const docker = new Docker({socketPath: '/nonexistent.sock'})
      const require = createRequire(import.meta.url)
      const loaded = (name) => Object.entries(require.cache).some(
        ([path, entry]) => path.includes('/node_modules/' + name + '/') && !types.isProxy(entry.exports))
      const before = {
        modem: loaded('docker-modem'), grpc: loaded('@grpc/grpc-js'), protobuf: loaded('protobufjs'),
        tarFs: loaded('tar-fs'), ssh2: loaded('ssh2'),
      }
      // dockerode's build-context helper reads tar-fs: the stand-in loads it then.
      const tar = createRequire(require.resolve('dockerode/lib/util.js'))('tar-fs')
      console.log(JSON.stringify({pull: typeof docker.pull, demux: typeof docker.modem.demuxStream, before,
        tarPack: typeof tar.pack, tarFsAfterUse: loaded('tar-fs')}))
    `
    const output = execFileSync(process.execPath, [...(compiled ? [] : ['--import', 'tsx']), '--input-type=module', '-e', script], {
      encoding: 'utf8',
    })
    assert.deepEqual(JSON.parse(output), {
      pull: 'function',
      demux: 'function',
      before: {modem: true, grpc: false, protobuf: false, tarFs: false, ssh2: false},
      tarPack: 'function',
      tarFsAfterUse: true,
    })
  })
})
