/** A vendor hook in the sandbox, as an attacker writes it: what it may do and what it may not. No Docker. */
import assert from 'node:assert/strict'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, before, describe, it} from 'node:test'
import ts from 'typescript'

import {runSandboxed} from './run-hook.js'

const HOOK = `
import {readFileSync} from 'node:fs'
export default async function (context) {
  const attempt = async (what, work) => {
    try { await work(); context.log(what + ': allowed') } catch (error) { context.log(what + ': denied (' + (error.code ?? error.message) + ')') }
  }
  await attempt('secret', () => readFileSync(process.env.SECRET_FILE ?? context.inputs.secretFile))
  await attempt('spawn', async () => (await import('node:child_process')).execFileSync('/bin/true'))
  await attempt('runCommand', () => context.config.runCommand('uninstall', ['x']))
  await attempt('write', async () => (await import('node:fs')).writeFileSync('written.txt', 'x'))
  console.log('from console', context.url?.href)
  const result = await context.run(['echo', 'hi'], {timeoutMs: 1000})
  context.log('run: ' + result.exitCode + ' ' + result.output)
  await attempt('add', () => context.add('x.txt', 'y'))
  if (context.inputs.hang) await new Promise(() => setInterval(() => {}, 1000))
}
`

describe('a sandboxed vendor hook', () => {
  let dir: string
  let runner: string
  const secretFile = () => join(dir, 'secret.json')

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'discode-sandbox-test-'))
    const plugin = join(dir, 'plugin')
    mkdirSync(join(plugin, 'dist'), {recursive: true})
    writeFileSync(join(plugin, 'package.json'), JSON.stringify({name: 'evil', type: 'module'}))
    writeFileSync(join(plugin, 'dist', 'hook.js'), HOOK)
    writeFileSync(
      join(plugin, 'dist', 'collect.js'),
      "export default async (context) => { context.add('a.txt', 'x'); context.add('big.txt', 'y'.repeat(17 * 1024 * 1024)) }",
    )
    // Two hooks at once (two discode commands): one waits, the other tries to kill it.
    writeFileSync(
      join(plugin, 'dist', 'wait.js'),
      "export default async (context) => { context.log(`${process.pid} ${process.getuid()}`); await context.run(['wait'], {timeoutMs: 10000}) }",
    )
    writeFileSync(
      join(plugin, 'dist', 'kill.js'),
      `export default async (context) => {
        context.log(String(process.getuid()))
        try { process.kill(Number(context.inputs.pid), 'SIGKILL'); context.log('kill: allowed') } catch (error) { context.log('kill: denied (' + error.code + ')') }
      }`,
    )
    writeFileSync(secretFile(), '{"password": "hunter2"}')
    const source = readFileSync(new URL('hook-child.ts', import.meta.url), 'utf8')
    runner = join(dir, 'hook-child.js')
    writeFileSync(
      runner,
      ts.transpileModule(source, {compilerOptions: {module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022}}).outputText,
    )
  })
  after(() => rmSync(dir, {recursive: true, force: true}))

  const options = (timeoutMs = 20_000) => ({
    pluginName: 'evil',
    pluginRoot: join(dir, 'plugin'),
    event: 'discode:pre-switch',
    hooks: [{target: './dist/hook', identifier: 'default'}],
    timeoutMs,
    runner,
  })

  it('reads nothing outside its copy, spawns nothing, writes nothing, has no Config; log and run are served', async (t) => {
    const lines: string[] = []
    const ran: string[][] = []
    const {startupMs} = await runSandboxed(options(), {
      app: 'a',
      inputs: {secretFile: secretFile()},
      url: {href: 'http://a.test/'},
      log: (message: string) => lines.push(message),
      run: async (cmd: string[]) => (ran.push(cmd), {exitCode: 0, output: 'hi\n'}),
    })
    assert.deepEqual(lines.slice(0, 4), [
      'secret: denied (ERR_ACCESS_DENIED)',
      'spawn: denied (ERR_ACCESS_DENIED)',
      lines[2],
      'write: denied (ERR_ACCESS_DENIED)',
    ])
    assert.match(lines[2], /^runCommand: denied \(.*undefined/)
    assert.deepEqual(lines.slice(4), ['from console http://a.test/', 'run: 0 hi\n', 'add: denied (context.add is not a function)'])
    assert.deepEqual(ran, [['echo', 'hi']])
    assert.ok(startupMs > 0 && startupMs < 5000, `start-up ${startupMs} ms`)
    t.diagnostic(`hook start-up (spawn to first message): ${startupMs} ms`)
  })

  it('a collector adds files through add, within the limit; an add over it is refused and logged', async () => {
    const added: string[] = []
    const lines: string[] = []
    await runSandboxed(
      {...options(), event: 'discode:support-bundle', hooks: [{target: './dist/collect.js', identifier: 'default'}]},
      {app: 'a', add: (name: string) => added.push(name), log: (message: string) => lines.push(message)},
    )
    assert.deepEqual(added, ['a.txt'])
    assert.match(lines.join('\n'), /add refused: add\(big\.txt\): the files added exceed 16 MiB/)
  })

  it('is killed at its time limit, and that is the failure', async () => {
    await assert.rejects(
      runSandboxed(options(700), {app: 'a', inputs: {hang: 'yes'}, log() {}, run: async () => ({exitCode: 0, output: ''})}),
      /timed out after 1s/,
    )
  })

  it('a hook the package does not have is an error naming it', async () => {
    await assert.rejects(
      runSandboxed({...options(), hooks: [{target: './dist/gone.js', identifier: 'default'}]}, {}),
      /dist\/gone\.js is missing/,
    )
    await assert.rejects(
      runSandboxed({...options(), hooks: [{target: '../../etc/passwd', identifier: 'default'}]}, {}),
      /outside the plugin/,
    )
  })

  it('cannot signal another hook run at the same time: each hook process has a uid of its own (as root)', async () => {
    const root = process.getuid?.() === 0
    let release = () => {}
    let started = (_line: string) => {}
    const victimLine = new Promise<string>((resolve) => (started = resolve))
    const victim = runSandboxed(
      {...options(), hooks: [{target: './dist/wait.js', identifier: 'default'}]},
      {log: (line: string) => started(line), run: () => new Promise((resolve) => (release = () => resolve({exitCode: 0, output: ''})))},
    )
    const [pid, victimUid] = (await victimLine).split(' ')
    const lines: string[] = []
    await runSandboxed(
      {...options(), hooks: [{target: './dist/kill.js', identifier: 'default'}]},
      {inputs: {pid}, log: (line: string) => lines.push(line)},
    )
    release()
    await victim // the victim finished its work: it was not killed
    if (root) {
      assert.notEqual(lines[0], victimUid, 'two uids')
      assert.ok(Number(victimUid) >= 0x7000_0000 && Number(lines[0]) >= 0x7000_0000, `uids of hooks: ${victimUid}, ${lines[0]}`)
      assert.equal(lines[1], 'kill: denied (EPERM)')
    } else {
      assert.deepEqual([victimUid, lines[0]], [String(process.getuid?.()), String(process.getuid?.())], 'not root: no switch')
    }
  })
})
