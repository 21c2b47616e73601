import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {Release} from '../feed/feed.js'
import {newestAllowed, planPath} from './path.js'

function release(version: string, extra: Partial<Release> = {}): Release {
  return {version, image: `acme/demo:${version}`, channel: 'stable', required: false, ...extra}
}

function versions(path: {hops: Release[]}): string[] {
  return path.hops.map((hop) => hop.version)
}

const ISSUE_FEED = {
  releases: [release('1.0.0'), release('1.5.0'), release('2.0.0', {required: true}), release('2.3.0')],
}

describe('planPath', () => {
  it('goes straight to the newest release when nothing is required', () => {
    const path = planPath({releases: [release('1.0.0'), release('1.1.0'), release('1.2.0')]}, '1.0.0')
    assert.deepEqual(versions(path), ['1.2.0'])
    assert.equal(path.target?.version, '1.2.0')
    assert.equal(path.problem, undefined)
  })

  it('is empty when up to date', () => {
    const path = planPath(ISSUE_FEED, '2.3.0')
    assert.deepEqual(path.hops, [])
    assert.equal(path.target, undefined)
  })

  it('passes through a required release (1.0 -> 2.0 -> 2.3; 1.5 is skipped)', () => {
    assert.deepEqual(versions(planPath(ISSUE_FEED, '1.0.0')), ['2.0.0', '2.3.0'])
    assert.deepEqual(versions(planPath(ISSUE_FEED, '1.5.0')), ['2.0.0', '2.3.0'])
  })

  it('ends at a required release that is the target, and ignores one already passed', () => {
    assert.deepEqual(versions(planPath(ISSUE_FEED, '1.0.0', {to: '2.0.0'})), ['2.0.0'])
    assert.deepEqual(versions(planPath(ISSUE_FEED, '2.0.0')), ['2.3.0'])
  })

  it('does not go through a required release above --to', () => {
    assert.deepEqual(versions(planPath(ISSUE_FEED, '1.0.0', {to: '1.5.0'})), ['1.5.0'])
  })

  it('passes every required release in order', () => {
    const feed = {releases: [release('3.0.0', {required: true}), release('1.0.0'), release('4.1.0'), release('2.0.0', {required: true})]}
    assert.deepEqual(versions(planPath(feed, '1.0.0')), ['2.0.0', '3.0.0', '4.1.0'])
  })

  it('moves down in one hop (--to an older release)', () => {
    assert.deepEqual(versions(planPath(ISSUE_FEED, '2.3.0', {to: '1.0.0'})), ['1.0.0'])
  })

  it('goes through the newest release at or above minimumFrom first', () => {
    const feed = {
      releases: [release('1.0.0'), release('1.4.0'), release('1.6.0'), release('1.7.0'), release('2.0.0', {minimumFrom: '1.5.0'})],
    }
    assert.deepEqual(versions(planPath(feed, '1.0.0')), ['1.7.0', '2.0.0'])
    assert.deepEqual(versions(planPath(feed, '1.6.0')), ['2.0.0'], 'already at or above minimumFrom: direct')
  })

  it('follows minimumFrom chains', () => {
    const feed = {
      releases: [release('1.0.0'), release('2.0.0'), release('3.0.0', {minimumFrom: '2.0.0'}), release('4.0.0', {minimumFrom: '3.0.0'})],
    }
    assert.deepEqual(versions(planPath(feed, '1.0.0')), ['2.0.0', '3.0.0', '4.0.0'])
  })

  it('combines required releases and minimumFrom', () => {
    const feed = {
      releases: [
        release('1.0.0'),
        release('1.2.0', {required: true}),
        release('1.8.0'),
        release('1.9.0', {channel: 'beta'}),
        release('2.0.0', {minimumFrom: '1.8.0'}),
      ],
    }
    assert.deepEqual(versions(planPath(feed, '1.0.0')), ['1.2.0', '1.8.0', '2.0.0'])
  })

  it('reports a release the path needs that is missing from the feed', () => {
    const feed = {releases: [release('1.0.0'), release('2.3.0', {minimumFrom: '2.0.0'})]}
    const path = planPath(feed, '1.0.0')
    assert.deepEqual(path.hops, [])
    assert.equal(path.target?.version, '2.3.0')
    assert.equal(path.problem?.code, 'RELEASE_NOT_IN_FEED')
    assert.match(path.problem!.message, /2\.3\.0 can only be reached from 2\.0\.0/)
  })

  it('does not use a stepping stone of another channel or a prerelease', () => {
    const feed = {
      releases: [release('1.0.0'), release('2.0.0', {channel: 'beta'}), release('2.1.0-rc.1'), release('2.3.0', {minimumFrom: '2.0.0'})],
    }
    assert.equal(planPath(feed, '1.0.0').problem?.code, 'RELEASE_NOT_IN_FEED')
  })

  it('ignores required releases of other channels and required prereleases on the stable path', () => {
    const feed = {
      releases: [
        release('1.0.0'),
        release('1.5.0', {channel: 'beta', required: true}),
        release('1.6.0-rc.1', {required: true}),
        release('2.0.0'),
      ],
    }
    assert.deepEqual(versions(planPath(feed, '1.0.0')), ['2.0.0'])
  })

  it('on a prerelease target, prereleases of its channel may be stops', () => {
    const feed = {releases: [release('1.0.0'), release('2.0.0-beta.1', {required: true}), release('2.0.0-beta.2')]}
    assert.deepEqual(versions(planPath(feed, '1.0.0', {to: '2.0.0-beta.2'})), ['2.0.0-beta.1', '2.0.0-beta.2'])
  })

  it('within another channel, uses that channel only', () => {
    const feed = {
      releases: [
        release('1.0.0'),
        release('1.1.0', {channel: 'edge', required: true}),
        release('1.2.0', {required: true}),
        release('1.3.0', {channel: 'edge'}),
      ],
    }
    assert.deepEqual(versions(planPath(feed, '1.0.0', {channel: 'edge'})), ['1.1.0', '1.3.0'])
  })

  it('throws for a --to the feed does not list', () => {
    assert.throws(() => planPath(ISSUE_FEED, '1.0.0', {to: '9.9.9'}), /9\.9\.9 is not in the feed/)
  })
})

describe('newestAllowed', () => {
  const feed = {
    releases: [
      release('1.2.3'),
      release('1.2.5'),
      release('1.2.9-rc.1'),
      release('1.2.7', {channel: 'beta'}),
      release('1.3.0'),
      release('1.4.1'),
      release('2.0.0'),
    ],
  }
  it('patch: the newest patch of the running minor', () => {
    assert.equal(newestAllowed(feed, '1.2.3', 'patch')?.version, '1.2.5')
    assert.equal(newestAllowed(feed, '1.2.5', 'patch'), undefined)
  })
  it('minor: the newest release of the running major', () => {
    assert.equal(newestAllowed(feed, '1.2.3', 'minor')?.version, '1.4.1')
  })
  it('major: the newest release', () => {
    assert.equal(newestAllowed(feed, '1.2.3', 'major')?.version, '2.0.0')
  })
  it('keeps to the channel', () => {
    assert.equal(newestAllowed(feed, '1.2.3', 'patch', 'beta')?.version, '1.2.7')
  })
})
