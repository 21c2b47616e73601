/**
 * discode:post-switch: runs on `discode update` once kamal-proxy serves the new release, the old
 * container is stopped and the recipe's postSwitch hooks ran. Too late to abort: a failure here is
 * reported (exit 1) but the new release keeps serving.
 */
import type {DiscodeHook} from '@discode/types'

import {APPEND, failure, HOOK_LOG, QUICK_TIMEOUT_MS} from '../notes.js'

const hook: DiscodeHook<'discode:post-switch'> = async function (context) {
  const result = await context.run(['/bin/sh', '-c', APPEND, 'append', `post-switch ${context.release.version}`, HOOK_LOG], {
    timeoutMs: QUICK_TIMEOUT_MS,
  })
  if (result.exitCode !== 0) throw new Error(`could not record the switch to ${context.release.version}: ${failure(result)}`)
  context.log(`notes: now serving ${context.release.version}`)
}

export default hook
