/**
 * Parses `kamal-proxy list`. It has no JSON form and always prints ANSI colours, so escapes are
 * stripped and cells are cut at the header's column offsets (cells may be empty; values hold no spaces).
 */

export interface ProxyRoute {
  service: string
  hosts: string[]
  targets: string[]
  state: string
  tls: boolean
}

const ANSI = /\u001B\[[0-9;]*m/g

export function parseList(output: string): ProxyRoute[] {
  const lines = output
    .replace(ANSI, '')
    .split('\n')
    .filter((line) => line.trim() !== '')
  if (lines.length === 0) return []
  const columns = [...lines[0].matchAll(/\S+/g)].map((m) => ({name: m[0].toLowerCase(), start: m.index ?? 0}))
  return lines.slice(1).map((line) => {
    const cell = (name: string): string => {
      const index = columns.findIndex((c) => c.name === name)
      if (index === -1) return ''
      const end = columns[index + 1]?.start ?? line.length
      return line.slice(columns[index].start, end).trim()
    }
    const host = cell('host')
    return {
      service: cell('service'),
      hosts: host === '' || host === '*' ? [] : host.split(','),
      targets: cell('target').split(',').filter(Boolean),
      state: cell('state'),
      tls: cell('tls') === 'yes',
    }
  })
}
