/** The demo's closing hints: commands a person can paste, with every variable the demo set. */

/** The DISCODE_* settings the demo ran with, as `NAME=value` words for a shell (values quoted when needed). */
export function demoVariables(env: NodeJS.ProcessEnv): string {
  const names = ['DISCODE_HOME', 'DISCODE_PROXY_IMAGE', 'DISCODE_PROXY_HTTP_PORT', 'DISCODE_PROXY_HTTPS_PORT', 'DISCODE_PROXY_BIND']
  const quote = (value: string) => (/^[\w./:@-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`)
  return names
    .filter((name) => env[name])
    .map((name) => `${name}=${quote(env[name]!)}`)
    .join(' ')
}

/** Uninstall the demo app, then remove the proxy: each command with the demo's settings (its own DISCODE_HOME). */
export function cleanupHint(env: NodeJS.ProcessEnv, app: string): string {
  const vars = demoVariables(env)
  return `${vars} ./bin/run.js uninstall ${app} --purge --yes && ${vars} ./bin/run.js proxy remove`
}
