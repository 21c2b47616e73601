import {Config} from '@oclif/core/config'
import assert from 'node:assert/strict'
import {fileURLToPath} from 'node:url'
import {it} from 'node:test'

import {answerVersion, isVersionRequest, mayBeWsl, userAgent} from './fast-version.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

it("answers --version with oclif's own userAgent line", async () => {
  const config = await Config.load(ROOT)
  let printed = ''
  assert.equal(
    answerVersion(['--version'], ROOT, (line) => (printed += line)),
    true,
  )
  assert.equal(printed, `${config.userAgent}\n`)
})

it('leaves every other argv to oclif, as oclif reads a version request (the first word only)', () => {
  assert.ok(isVersionRequest(['--version', 'status']))
  assert.ok(!isVersionRequest(['status', '--version']))
  assert.ok(!isVersionRequest(['-v']))
  assert.ok(!isVersionRequest([]))
  let printed = ''
  assert.equal(
    answerVersion(['status', '--version'], ROOT, (line) => (printed += line)),
    false,
  )
  assert.equal(printed, '')
})

it('names ia32 x86 like oclif', () => {
  assert.equal(
    userAgent({name: 'discode', version: '1.2.3', platform: 'linux', arch: 'ia32', node: 'v20.0.0'}),
    'discode/1.2.3 linux-x86 node-v20.0.0',
  )
})

it('leaves WSL (which oclif names wsl) to oclif', () => {
  assert.ok(mayBeWsl('linux', '5.15.90.1-microsoft-standard-WSL2', () => ''))
  assert.ok(mayBeWsl('linux', '4.4.0', () => 'Linux version 4.4.0-19041-Microsoft'))
  assert.ok(!mayBeWsl('linux', '6.1.0', () => 'Linux version 6.1.0 (debian)'))
  assert.ok(!mayBeWsl('darwin', 'microsoft', () => 'microsoft'))
  assert.ok(
    !mayBeWsl('linux', '6.1.0', () => {
      throw new Error('no /proc')
    }),
  )
})
