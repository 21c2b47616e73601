/**
 * The hooks against a fake discode context: no Docker, no discode. `context.run` runs the command
 * with the local /bin/sh instead of a one-off container of the app's image, with the recipe's env,
 * and the app's volume (/www/data) mapped to a temp dir. This checks what the hooks do with what
 * discode gives them; the recipe itself is checked by `discode recipes validate recipes/notes`.
 *
 *   npm test
 */
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, it} from 'node:test'

import type {DiscodeHook, DiscodeHookContext, HookRelease} from '@discode/types'

import postInstall from '../src/hooks/post-install.js'
import postSwitch from '../src/hooks/post-switch.js'
import preInstall from '../src/hooks/pre-install.js'
import preSwitch from '../src/hooks/pre-switch.js'
import {DATA_DIR} from '../src/notes.js'

const release = (version: string): HookRelease => ({
  version,
  image: `127.0.0.1:5000/discode-test/app:${version}`,
  container: `notes-${version}`,
})

describe('the Notes hooks', () => {
  let volume: string
  let logged: string[]
  let runs: {cmd: string[]; timeoutMs?: number}[]

  beforeEach(() => {
    volume = mkdtempSync(join(tmpdir(), 'notes-volume-'))
    logged = []
    runs = []
  })
  afterEach(() => rmSync(volume, {recursive: true, force: true}))

  /** What discode passes a hook, with `run` on the local shell and the volume in a temp dir. */
  function context(options: {version: string; previous?: string; env?: Record<string, string>}): DiscodeHookContext {
    const next = release(options.version)
    return {
      app: 'notes',
      recipe: {name: 'notes', source: '@discode-example/notes'},
      release: next,
      previous: options.previous === undefined ? undefined : release(options.previous),
      container: next.container,
      inputs: {hostname: 'notes.localhost', admin_email: 'you@example.com', fail_migration: 'no'},
      run(cmd, runOptions) {
        runs.push({cmd, timeoutMs: runOptions?.timeoutMs})
        const local = cmd.map((arg) => (arg.startsWith(`${DATA_DIR}/`) ? join(volume, arg.slice(DATA_DIR.length)) : arg))
        const env = {PATH: process.env.PATH, FAIL_MIGRATION: 'no', ...options.env}
        return new Promise((resolve) => {
          execFile(local[0], local.slice(1), {env, timeout: runOptions?.timeoutMs}, (error, stdout, stderr) => {
            const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0
            resolve({exitCode, output: `${stdout}${stderr}`})
          })
        })
      },
      log: (message) => logged.push(message),
    }
  }

  /** Calls a hook the way discode does: `this` is an oclif-like context, oclif's options added. */
  async function call(hook: DiscodeHook, ctx: DiscodeHookContext): Promise<void> {
    const fail = (message: string | Error): never => {
      throw message instanceof Error ? message : new Error(message)
    }
    const oclif = {config: {} as never, debug() {}, error: fail, exit: () => fail('exit'), log: ctx.log, warn: ctx.log}
    await hook.call(oclif, {...ctx, config: oclif.config, context: oclif})
  }

  const hookLog = () => (existsSync(join(volume, 'hooks.log')) ? readFileSync(join(volume, 'hooks.log'), 'utf8') : '')

  it('pre-install loads the schema and records it', async () => {
    await call(preInstall, context({version: '1.0.0'}))
    assert.equal(hookLog(), 'pre-install 1.0.0\n')
    assert.match(logged.join('\n'), /initial schema loaded for 1\.0\.0/)
  })

  it('pre-switch runs migration 7 in one run, recording the release and the previous one', async () => {
    await call(preSwitch, context({version: '1.1.0', previous: '1.0.0'}))
    assert.equal(hookLog(), 'pre-switch 1.1.0 (previous 1.0.0)\n')
    assert.equal(runs.length, 1)
    assert.equal(runs[0].cmd[0], '/bin/sh')
    assert.ok(runs[0].timeoutMs && runs[0].timeoutMs > 0, 'a migration must bound its run')
    assert.match(logged.join('\n'), /migration 7 done/)
  })

  it("pre-switch fails with the vendor's message when FAIL_MIGRATION is yes, and records nothing", async () => {
    await assert.rejects(call(preSwitch, context({version: '1.1.0', previous: '1.0.0', env: {FAIL_MIGRATION: 'yes'}})), (error: Error) => {
      assert.equal(error.message, 'migration 7 failed: FAIL_MIGRATION is yes: refusing to migrate the notes data (exit 7)')
      return true
    })
    assert.equal(hookLog(), '')
  })

  it('pre-install ignores FAIL_MIGRATION (only updates migrate)', async () => {
    await call(preInstall, context({version: '1.0.0', env: {FAIL_MIGRATION: 'yes'}}))
    assert.equal(hookLog(), 'pre-install 1.0.0\n')
  })

  it('post-install and post-switch record the version', async () => {
    await call(postInstall, context({version: '1.0.0'}))
    await call(postSwitch, context({version: '1.1.0', previous: '1.0.0'}))
    assert.equal(hookLog(), 'post-install 1.0.0\npost-switch 1.1.0\n')
  })

  it('a version string is data, never shell code', async () => {
    await call(postSwitch, context({version: '1.0.0-$(touch pwned);x'}))
    assert.equal(hookLog(), 'post-switch 1.0.0-$(touch pwned);x\n')
    assert.equal(existsSync('pwned'), false)
  })
})
