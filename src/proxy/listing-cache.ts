import {existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {dirname} from 'node:path'

import type {ProxyRoute} from './list.js'

/**
 * The last `kamal-proxy list`, kept with what identified the proxy's state when it was taken: the
 * container (id and start time) and the size and mtime of its state file. kamal-proxy rewrites that
 * file after every change to its routes, so while all four are unchanged the routes are too, and a
 * report can skip the `docker exec`. Only the file's stat is used: its content is kamal-proxy's
 * internal format (it changed between v0.8 and v0.9) and is never read.
 */
export interface ProxyStateMark {
  container: string
  startedAt: string
  size: number
  mtime: string
}

interface Listing {
  mark: ProxyStateMark
  routes: ProxyRoute[]
}

/** The routes of the last listing, if it was taken under the same mark; a missing or damaged file is no listing. */
export function reusableRoutes(file: string, mark: ProxyStateMark): ProxyRoute[] | undefined {
  let listing: Listing
  try {
    listing = JSON.parse(readFileSync(file, 'utf8')) as Listing
  } catch {
    return undefined
  }
  const saved = listing?.mark
  const same =
    saved &&
    saved.container === mark.container &&
    saved.startedAt === mark.startedAt &&
    saved.size === mark.size &&
    saved.mtime === mark.mtime
  return same && Array.isArray(listing.routes) ? listing.routes : undefined
}

/**
 * Keeps a listing for the next report. The mark must be taken before the listing: a change between
 * the two then leaves a mark that no longer matches, and the next report lists again. Best effort:
 * a listing that cannot be written is simply taken again next time.
 */
export function saveListing(file: string, mark: ProxyStateMark, routes: ProxyRoute[]): void {
  const temp = `${file}.${process.pid}.tmp`
  try {
    mkdirSync(dirname(file), {recursive: true, mode: 0o700})
    writeFileSync(temp, JSON.stringify({mark, routes} satisfies Listing), {mode: 0o600})
    renameSync(temp, file)
  } catch {
    // A report must not fail over its shortcut.
    if (existsSync(temp)) rmSync(temp, {force: true})
  }
}
