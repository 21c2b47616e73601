/** Host names as kamal-proxy takes them (`--host`, repeatable); `*.` allows a wildcard host. */
const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i

/** One host name, or a `*.example.com` wildcard. */
export function isHostName(value: string): boolean {
  const name = value.trim().replace(/^\*\./, '')
  return name.length > 0 && name.length <= 253 && name.split('.').every((label) => HOST_LABEL.test(label))
}

/** kamal-proxy takes several hosts separated by commas. */
export function isHostList(value: string): boolean {
  return value.split(',').every(isHostName)
}

/** A comma-separated host list as single names (blanks dropped). */
export function splitHosts(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((host) => host.trim())
    .filter(Boolean)
}
