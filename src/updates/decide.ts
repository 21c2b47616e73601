/**
 * What `auto-update run` does for one app, decided from facts only (policy, feed, window, memory):
 * update, announce a release that waits for the admin, or nothing. Pure, so every rule is unit-tested.
 */
import semver from 'semver'

import {chooseRelease, type Feed} from '../feed/feed.js'
import {newestAllowed} from './path.js'
import type {AutoUpdateState} from './policy-store.js'

export type Decision =
  | {action: 'update'; version: string}
  /** A release waits for the admin (policy off, outside the window, or beyond the policy): announced once. */
  | {action: 'announce'; version: string; why: 'policy-off' | 'outside-window' | 'beyond-policy'}
  | {action: 'none'; why: 'up-to-date' | 'failed-before' | 'announced' | 'outside-window'; version?: string}

export interface DecideFacts {
  state: Pick<AutoUpdateState, 'policy' | 'channel' | 'failed' | 'announced'>
  feed: Pick<Feed, 'releases'>
  current: string
  windowOpen: boolean
}

/** The decisions of one run for one app, in order (an update, and a release beyond the policy, may both be due). */
export function decide(facts: DecideFacts): Decision[] {
  const {state, feed, current, windowOpen} = facts
  const newest = chooseRelease(feed, {current, channel: state.channel})?.version
  if (state.policy === 'off') return newest ? [announceOnce(state, newest, 'policy-off')] : [{action: 'none', why: 'up-to-date'}]

  const allowed = newestAllowed(feed, current, state.policy, state.channel)?.version
  const decisions: Decision[] = []
  if (allowed) {
    // A release that failed is not tried again until the vendor publishes a newer one (or it is cleared).
    if (state.failed && semver.lte(allowed, state.failed.version)) decisions.push({action: 'none', why: 'failed-before', version: allowed})
    else if (!windowOpen) decisions.push(announceOnce(state, allowed, 'outside-window'))
    else decisions.push({action: 'update', version: allowed})
  }
  // A newer release the policy does not take (a minor under "patch") waits for the admin.
  if (newest && newest !== allowed) decisions.push(announceOnce(state, newest, 'beyond-policy'))
  return decisions.length > 0 ? decisions : [{action: 'none', why: 'up-to-date'}]
}

function announceOnce(state: DecideFacts['state'], version: string, why: 'policy-off' | 'outside-window' | 'beyond-policy'): Decision {
  if (state.announced && semver.gte(state.announced, version)) return {action: 'none', why: 'announced', version}
  return {action: 'announce', version, why}
}
