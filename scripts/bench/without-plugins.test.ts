import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {withoutPlugins} from './without-plugins.js'

describe('withoutPlugins', () => {
  const pkg = JSON.stringify({
    name: 'discode',
    oclif: {bin: 'discode', plugins: ['@oclif/plugin-help', '@oclif/plugin-not-found', '@oclif/plugin-autocomplete']},
  })

  it('leaves out exactly the named plugins and keeps the rest of package.json', () => {
    const out = JSON.parse(withoutPlugins(pkg, ['@oclif/plugin-not-found', '@oclif/plugin-autocomplete']))
    assert.deepEqual(out, {name: 'discode', oclif: {bin: 'discode', plugins: ['@oclif/plugin-help']}})
  })

  it('refuses a plugin that is not listed (the comparison would measure nothing)', () => {
    assert.throws(
      () => withoutPlugins(pkg, ['@oclif/plugin-warn-if-update-available']),
      /not in oclif\.plugins: @oclif\/plugin-warn-if-update-available/,
    )
  })
})
