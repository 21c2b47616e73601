#!/usr/bin/env node
import {fileURLToPath} from 'node:url'

import {answerVersion} from '../dist/fast-version.js'

const root = fileURLToPath(new URL('..', import.meta.url))
// `--version` prints oclif's own line without loading oclif; everything else goes through oclif.
if (!answerVersion(process.argv.slice(2), root)) {
  const [{Plugin}, {execute}, {guardPlugins}] = await Promise.all([
    import('@oclif/core/config'),
    import('@oclif/core/execute'),
    import('../dist/plugin-guard.js'),
  ])
  // Before oclif loads any plugin: vendor plugins bring recipes and discode:* hooks, nothing that runs here.
  guardPlugins(Plugin, root)
  await execute({dir: import.meta.url})
}
