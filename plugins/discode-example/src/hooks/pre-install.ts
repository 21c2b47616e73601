/**
 * discode:pre-install: runs on `discode install` instead of pre-switch (there is nothing to migrate
 * from), after the recipe's preSwitch hooks and before the proxy routes traffic to the app. Loads the
 * initial schema; throwing aborts the install. It does not honour FAIL_MIGRATION: an app installed
 * with fail_migration=yes installs fine and then fails its first update's migration.
 */
import type {DiscodeHook} from '@discode/types'

import {APPEND, failure, HOOK_LOG, MIGRATION_TIMEOUT_MS} from '../notes.js'

const hook: DiscodeHook<'discode:pre-install'> = async function (context) {
  const result = await context.run(['/bin/sh', '-c', APPEND, 'append', `pre-install ${context.release.version}`, HOOK_LOG], {
    timeoutMs: MIGRATION_TIMEOUT_MS,
  })
  if (result.exitCode !== 0) throw new Error(`loading the initial schema failed: ${failure(result)}`)
  context.log(`notes: initial schema loaded for ${context.release.version}`)
}

export default hook
