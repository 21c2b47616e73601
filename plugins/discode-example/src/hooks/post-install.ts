/** discode:post-install: runs once the new app serves; reports where to sign in. */
import type {DiscodeHook} from '@discode/types'

import {APPEND, failure, HOOK_LOG, QUICK_TIMEOUT_MS} from '../notes.js'

const hook: DiscodeHook<'discode:post-install'> = async function (context) {
  const result = await context.run(['/bin/sh', '-c', APPEND, 'append', `post-install ${context.release.version}`, HOOK_LOG], {
    timeoutMs: QUICK_TIMEOUT_MS,
  })
  if (result.exitCode !== 0) throw new Error(`could not record the install of ${context.release.version}: ${failure(result)}`)
  context.log(`notes: ${context.app} ${context.release.version} is ready; sign in with the admin e-mail you gave at install`)
}

export default hook
