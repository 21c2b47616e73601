import assert from 'node:assert/strict'
import {it} from 'node:test'

import {discodeHooksOnly, pluginRefusals} from './plugin-rules.js'

it('a plugin of recipes and discode:* hooks is accepted (build scripts are fine)', () => {
  const pjson = {scripts: {build: 'tsc', prepack: 'npm run build'}, oclif: {hooks: {'discode:pre-switch': './dist/x.js'}}}
  assert.deepEqual(pluginRefusals(pjson), [])
})

it('install scripts, other oclif hooks, commands and nested plugins are refused, each with its reason', () => {
  const reasons = pluginRefusals({
    scripts: {postinstall: 'node x.js', prepare: 'tsc'},
    oclif: {
      hooks: {prerun: './p.js', init: './i.js', 'discode:pre-switch': './x.js'},
      commands: './dist/commands',
      plugins: ['@oclif/plugin-x'],
    },
  })
  assert.equal(reasons.length, 4)
  assert.match(reasons[0], /install scripts \(postinstall, prepare\)/)
  assert.match(reasons[1], /other than discode:\* \(prerun, init\)/)
  assert.match(reasons[2], /ships commands/)
  assert.match(reasons[3], /other oclif plugins \(@oclif\/plugin-x\)/)
})

it('discodeHooksOnly keeps discode:* hooks and names the rest', () => {
  assert.deepEqual(discodeHooksOnly({prerun: [1], 'discode:post-switch': [2], command_not_found: [3]}), {
    kept: {'discode:post-switch': [2]},
    dropped: ['prerun', 'command_not_found'],
  })
})
