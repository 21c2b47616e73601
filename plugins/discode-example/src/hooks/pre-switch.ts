/**
 * discode:pre-switch: runs on `discode update` (never on rollback), after the new release's container
 * has started beside the serving one and after the recipe's own preSwitch hooks, BEFORE kamal-proxy
 * switches traffic. The old release keeps serving while this runs; throwing aborts the update, discode
 * removes the new container and the old release never stops serving.
 */
import type {DiscodeHook} from '@discode/types'

import {failure, HOOK_LOG, MIGRATION_TIMEOUT_MS} from '../notes.js'

/** The schema migration this plugin version ships (a real app would run its own migrator here). */
export const MIGRATION = 7

/**
 * The migration, run in a one-off container of the new image: $1 is the line to record, $2 the log.
 * `FAIL_MIGRATION` comes from the recipe's env (input `fail_migration`): "yes" makes it fail, so the
 * abort path can be tested.
 */
const MIGRATE = `
set -eu
if [ "\${FAIL_MIGRATION:-no}" = yes ]; then
  echo "FAIL_MIGRATION is yes: refusing to migrate the notes data" >&2
  exit 7
fi
mkdir -p "$(dirname "$2")"
echo "$1" >> "$2"
echo "migration ${MIGRATION} applied"
`

const hook: DiscodeHook<'discode:pre-switch'> = async function (context) {
  const {release, previous} = context
  const line = `pre-switch ${release.version} (previous ${previous?.version ?? 'none'})`
  context.log(`notes: running migration ${MIGRATION} for ${release.version} (${previous?.version ?? 'nothing'} keeps serving meanwhile)`)
  const result = await context.run(['/bin/sh', '-c', MIGRATE, 'migrate', line, HOOK_LOG], {timeoutMs: MIGRATION_TIMEOUT_MS})
  if (result.exitCode !== 0) throw new Error(`migration ${MIGRATION} failed: ${failure(result)}`)
  context.log(`notes: migration ${MIGRATION} done; ${release.version} can take the traffic`)
}

export default hook
