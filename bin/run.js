#!/usr/bin/env node
import {Plugin} from '@oclif/core/config'
import {execute} from '@oclif/core/execute'
import {fileURLToPath} from 'node:url'

import {guardPlugins} from '../dist/plugin-guard.js'

// Before oclif loads any plugin: vendor plugins bring recipes and discode:* hooks, nothing that runs here.
guardPlugins(Plugin, fileURLToPath(new URL('..', import.meta.url)))
await execute({dir: import.meta.url})
