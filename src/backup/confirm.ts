/**
 * What a destructive command says before it deletes or overwrites data (uninstall --purge, restore):
 * what goes, and how old the newest snapshot is, so a person can tell whether it can be undone.
 */
export function destructionWarning(options: {
  action: string
  deletes: string[]
  newest?: {id: string; createdAt: string}
  now?: Date
}): string {
  const now = options.now ?? new Date()
  const what = options.deletes.length > 0 ? options.deletes.join(', ') : 'nothing else'
  const newest = options.newest
    ? `the newest snapshot is ${options.newest.id}, taken ${age(now.getTime() - Date.parse(options.newest.createdAt))} ago`
    : 'there is no snapshot of it'
  return `${options.action} deletes ${what}; ${newest}.`
}

/** A rough age: "40 seconds", "5 minutes", "3 hours", "2 days". */
export function age(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000))
  const units: [number, string][] = [
    [86_400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ]
  for (const [size, name] of units) {
    const n = Math.floor(seconds / size)
    if (n >= 1) return `${n} ${name}${n === 1 ? '' : 's'}`
  }
  return `${seconds} second${seconds === 1 ? '' : 's'}`
}
