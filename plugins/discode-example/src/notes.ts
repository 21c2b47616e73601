/**
 * What the Notes hooks share: where the app keeps its data and how a hook reports a failed command.
 *
 * Every hook works through `context.run`, which discode runs in a one-off container of the NEW
 * release's image with the app's env (recipes/notes/recipe.yml `env`), volumes and network. So the
 * hooks need nothing from discode at runtime: only its types, at build time.
 */

/** The data volume, mounted here by recipes/notes/recipe.yml (busybox httpd serves it at /data/). */
export const DATA_DIR = '/www/data'

/** One line per hook run, in the app's volume: what the hooks did, in order. */
export const HOOK_LOG = `${DATA_DIR}/hooks.log`

/** A migration may take this long; then discode kills its container and the hook fails. */
export const MIGRATION_TIMEOUT_MS = 120_000

/** Bookkeeping hooks are quick. */
export const QUICK_TIMEOUT_MS = 60_000

/**
 * `sh -c APPEND append LINE FILE` appends LINE to FILE. The line goes in as an argument, never spliced
 * into the script, so a version string can never become shell code.
 */
export const APPEND = 'set -eu; mkdir -p "$(dirname "$2")"; echo "$1" >> "$2"'

/** The last non-empty line of a command's output: what a failed command said last. */
export function lastLine(output: string): string {
  return (
    output
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .pop() ?? ''
  )
}

/** Why a command failed, for an error message: its last line and exit code. */
export function failure(result: {exitCode: number; output: string}): string {
  const said = lastLine(result.output)
  return said ? `${said} (exit ${result.exitCode})` : `exit ${result.exitCode}`
}
