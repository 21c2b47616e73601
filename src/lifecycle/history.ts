import {DiscodeError} from '../errors.js'
import type {AppRecord, ReleaseRecord} from '../state/store.js'

/**
 * An app's release history (the record's `current` and `previous`) and the decisions made on it:
 * which release serves after a switch, which are kept for a rollback, which one a rollback targets.
 * Pure: the steps that touch Docker carry out what these return.
 */

/** How many older releases keep a stopped container for a fast rollback. */
export const KEPT_PREVIOUS_RELEASES = 2

/** The record once `release` serves: the one serving before becomes the newest previous release. */
export function promote(record: AppRecord, release: ReleaseRecord, now = new Date()): AppRecord & {current: ReleaseRecord} {
  const previous = [...(record.current ? [record.current] : []), ...record.previous].filter((r) => r.container !== release.container)
  return {...record, current: {...release, deployedAt: now.toISOString()}, previous}
}

/** Which previous releases are dropped (container and image removed), keeping the newest `keep`. */
export function planPrune(record: AppRecord, keep = KEPT_PREVIOUS_RELEASES): {record: AppRecord; drop: ReleaseRecord[]} {
  const drop = record.previous.slice(keep)
  return drop.length === 0 ? {record, drop} : {record: {...record, previous: record.previous.slice(0, keep)}, drop}
}

/** The release a rollback switches to: the named one, or the newest previous one. */
export function rollbackTarget(record: AppRecord, to?: string): ReleaseRecord {
  const target = to ? record.previous.find((r) => r.version === to) : record.previous[0]
  if (!target) throw noPreviousReleaseError(record.app, to)
  return target
}

export function noPreviousReleaseError(app: string, to?: string): DiscodeError {
  return new DiscodeError(to ? `Release ${to} of ${app} is not on this host` : `${app} has no previous release on this host`, {
    hint: to ? `Install it with "discode update ${app} --to ${to}"` : 'Nothing to roll back to: see "discode status"',
    code: 'NO_PREVIOUS_RELEASE',
  })
}
