import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {cleanupHint} from './demo-hints.js'

describe("the demo's clean-up hint", () => {
  it('runs every command, proxy remove too, with the DISCODE_HOME and proxy settings the demo used', () => {
    const env = {
      DISCODE_HOME: '/tmp/demo home',
      DISCODE_PROXY_IMAGE: 'basecamp/kamal-proxy:v0.9.2',
      DISCODE_PROXY_HTTP_PORT: '8080',
      PATH: '/bin',
    }
    const hint = cleanupHint(env, 'demo')
    const commands = hint.split(' && ')
    assert.equal(commands.length, 2)
    for (const command of commands) {
      assert.match(
        command,
        /^DISCODE_HOME='\/tmp\/demo home' DISCODE_PROXY_IMAGE=basecamp\/kamal-proxy:v0\.9\.2 DISCODE_PROXY_HTTP_PORT=8080 \.\/bin\/run\.js /,
      )
    }
    assert.match(commands[1], /proxy remove$/)
    assert.doesNotMatch(hint, /PATH=/)
  })
})
