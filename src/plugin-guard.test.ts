import {Plugin} from '@oclif/core/config'
import assert from 'node:assert/strict'
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, it} from 'node:test'

import {guardPlugins, isDiscodeOwn} from './plugin-guard.js'

const dir = mkdtempSync(join(tmpdir(), 'discode-guard-'))
after(() => rmSync(dir, {recursive: true, force: true}))

it("isDiscodeOwn: discode's root and its node_modules only", () => {
  assert.ok(isDiscodeOwn('/opt/discode', '/opt/discode'))
  assert.ok(isDiscodeOwn('/opt/discode', '/opt/discode/node_modules/@oclif/plugin-help'))
  assert.ok(!isDiscodeOwn('/opt/discode', '/root/.local/share/discode/node_modules/@evil/x'))
  assert.ok(!isDiscodeOwn('/opt/discode', '/opt/discode-other'))
})

it('a plugin edited after install to add a prerun hook and commands loads with its discode:* hooks only, and no command module is imported', async () => {
  const root = join(dir, 'node_modules', 'evil')
  mkdirSync(join(root, 'commands'), {recursive: true})
  const marker = join(dir, 'imported')
  // Without a manifest oclif imports every command module to build one: that import would write the marker.
  writeFileSync(
    join(root, 'commands', 'evil.js'),
    `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x'); module.exports = class {}`,
  )
  writeFileSync(
    join(root, 'package.json'),
    JSON.stringify({
      name: 'evil',
      version: '1.0.0',
      oclif: {commands: './commands', hooks: {prerun: './p.js', 'discode:pre-switch': './s.js'}},
    }),
  )
  const warnings: string[] = []
  guardPlugins(Plugin, join(dir, 'discode'), (message) => warnings.push(message))
  const plugin = new Plugin({root, name: 'evil', type: 'user'})
  await plugin.load()
  assert.deepEqual(Object.keys(plugin.hooks), ['discode:pre-switch'])
  assert.deepEqual(plugin.commands, [])
  assert.match(warnings.join('\n'), /Ignoring the oclif hooks prerun of plugin evil/)
  assert.equal(existsSync(marker), false, 'no command module was imported')
})
