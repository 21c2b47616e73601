import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {Release} from '../feed/feed.js'
import {decide} from './decide.js'

function release(version: string, extra: Partial<Release> = {}): Release {
  return {version, image: `acme/demo:${version}`, channel: 'stable', required: false, ...extra}
}
const FEED = {releases: [release('1.0.0'), release('1.0.1'), release('1.0.2'), release('1.1.0'), release('1.0.3', {channel: 'beta'})]}
const patch = {policy: 'patch' as const, channel: 'stable'}

describe('decide', () => {
  it('patch policy, window open: the newest patch, and the minor waits for the admin', () => {
    assert.deepEqual(decide({state: patch, feed: FEED, current: '1.0.0', windowOpen: true}), [
      {action: 'update', version: '1.0.2'},
      {action: 'announce', version: '1.1.0', why: 'beyond-policy'},
    ])
  })
  it('outside the window: nothing is installed, the update is announced', () => {
    assert.deepEqual(decide({state: patch, feed: FEED, current: '1.0.0', windowOpen: false})[0], {
      action: 'announce',
      version: '1.0.2',
      why: 'outside-window',
    })
  })
  it('announces each release once', () => {
    const decisions = decide({state: {...patch, announced: '1.1.0'}, feed: FEED, current: '1.0.0', windowOpen: false})
    assert.deepEqual(
      decisions.map((d) => d.action),
      ['none', 'none'],
    )
    const newer = decide({state: {...patch, announced: '1.0.1'}, feed: FEED, current: '1.0.0', windowOpen: false})
    assert.deepEqual(newer[0], {action: 'announce', version: '1.0.2', why: 'outside-window'})
  })
  it('does not retry a failed release; does try a newer one', () => {
    const failed = {version: '1.0.2', at: '2026-01-01T00:00:00Z', reason: 'unhealthy'}
    assert.deepEqual(decide({state: {...patch, failed}, feed: FEED, current: '1.0.0', windowOpen: true})[0], {
      action: 'none',
      why: 'failed-before',
      version: '1.0.2',
    })
    const newer = {releases: [...FEED.releases, release('1.0.4')]}
    assert.deepEqual(decide({state: {...patch, failed}, feed: newer, current: '1.0.0', windowOpen: true})[0], {
      action: 'update',
      version: '1.0.4',
    })
  })
  it('minor and major policies', () => {
    assert.deepEqual(decide({state: {policy: 'minor', channel: 'stable'}, feed: FEED, current: '1.0.0', windowOpen: true}), [
      {action: 'update', version: '1.1.0'},
    ])
    const major = {releases: [...FEED.releases, release('2.0.0')]}
    assert.deepEqual(decide({state: {policy: 'major', channel: 'stable'}, feed: major, current: '1.0.0', windowOpen: true}), [
      {action: 'update', version: '2.0.0'},
    ])
  })
  it('policy off: only announces', () => {
    assert.deepEqual(decide({state: {policy: 'off', channel: 'stable'}, feed: FEED, current: '1.0.0', windowOpen: true}), [
      {action: 'announce', version: '1.1.0', why: 'policy-off'},
    ])
  })
  it('up to date, and channels', () => {
    assert.deepEqual(decide({state: patch, feed: FEED, current: '1.1.0', windowOpen: true}), [{action: 'none', why: 'up-to-date'}])
    assert.deepEqual(decide({state: {policy: 'patch', channel: 'beta'}, feed: FEED, current: '1.0.0', windowOpen: true}), [
      {action: 'update', version: '1.0.3'},
    ])
  })
})
