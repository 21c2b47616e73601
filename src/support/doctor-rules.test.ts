import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {
  clusterNetworkProblem,
  clusterReplicasProblem,
  accessoryProblem,
  processProblem,
  appContainerProblem,
  checkProblem,
  feedProblem,
  unsignedFeedProblem,
  journalProblem,
  LOCK_STALE_MS,
  lockProblem,
  proxyProblem,
  restartLoop,
  routeProblem,
} from './doctor-rules.js'

const IMAGE = 'basecamp/kamal-proxy:v0.9.2'
const NOW = Date.parse('2026-01-01T12:00:00Z')

describe('doctor rules', () => {
  it('the proxy: missing and stopped are repaired by a boot, restarting and a wrong image are not', () => {
    assert.equal(proxyProblem({exists: true, running: true, restarting: false, image: IMAGE}, 'kamal-proxy', IMAGE), undefined)
    assert.equal(proxyProblem({exists: false, running: false, restarting: false}, 'kamal-proxy', IMAGE)?.repair, 'boot-proxy')
    const stopped = proxyProblem({exists: true, running: false, restarting: false, image: IMAGE}, 'kamal-proxy', IMAGE)
    assert.deepEqual([stopped?.id, stopped?.repair], ['proxy-stopped', 'boot-proxy'])
    const restarting = proxyProblem({exists: true, running: true, restarting: true, image: IMAGE}, 'kamal-proxy', IMAGE)
    assert.deepEqual([restarting?.id, restarting?.repair], ['proxy-restarting', undefined])
    const other = proxyProblem({exists: true, running: true, restarting: false, image: 'x:1'}, 'kamal-proxy', IMAGE)
    assert.equal(other?.id, 'proxy-image')
    assert.match(other!.fix, /proxy reboot/)
  })

  it('a restart loop: restarting now, or many restarts since a recent start; not an old crash', () => {
    assert.equal(restartLoop({state: 'restarting', restartCount: 1}, NOW), true)
    assert.equal(restartLoop({state: 'running', restartCount: 5, startedAt: new Date(NOW - 2000).toISOString()}, NOW), true)
    assert.equal(restartLoop({state: 'running', restartCount: 5, startedAt: new Date(NOW - 3_600_000).toISOString()}, NOW), false)
    assert.equal(restartLoop({state: 'running', restartCount: 0, startedAt: new Date(NOW).toISOString()}, NOW), false)
  })

  it("an app container's problems carry its log lines", () => {
    const loop = appContainerProblem('shop', 'shop-abc', {state: 'restarting', restartCount: 7, exitCode: 3}, NOW, ['boom'])
    assert.equal(loop?.id, 'restart-loop')
    assert.deepEqual(loop?.logs, ['boom'])
    assert.match(loop!.message, /7 restarts, last exit code 3/)
    assert.equal(appContainerProblem('shop', 'shop-abc', {state: 'running', restartCount: 0}, NOW, []), undefined)
    assert.equal(appContainerProblem('shop', 'shop-abc', {state: 'missing', restartCount: 0}, NOW, [])?.id, 'container-missing')
  })

  it('a running app without a route is rerouted; a stopped one is not a route problem', () => {
    const problem = routeProblem('shop', '1.2.0', true, false)
    assert.equal(problem?.repair, 'reroute')
    assert.match(problem!.fix, /discode update shop --to 1\.2\.0/)
    assert.equal(routeProblem('shop', '1.2.0', true, true), undefined)
    assert.equal(routeProblem('shop', '1.2.0', false, false), undefined)
  })

  it('accessories: healthy, running or starting are fine', () => {
    assert.equal(accessoryProblem('shop', {name: 'db', container: 'shop-db', health: 'healthy'}), undefined)
    assert.equal(accessoryProblem('shop', {name: 'db', container: 'shop-db', health: 'unhealthy'})?.id, 'accessory-unhealthy')
  })

  it('an unfinished journal is recovered', () => {
    assert.equal(journalProblem('shop', undefined), undefined)
    const problem = journalProblem('shop', {operation: 'update', since: '2026-01-01T11:00:00Z', step: 'pull'})
    assert.equal(problem?.repair, 'recover')
    assert.match(problem!.message, /update .* interrupted during "pull"/)
  })

  it('a lock is stale when its holder died on this host, or when nobody refreshed it', () => {
    const holder = {pid: 42, host: 'h', command: 'update', since: 'then'}
    assert.equal(lockProblem('shop', {locked: false, thisHost: 'h', ageMs: 0}), undefined)
    assert.equal(lockProblem('shop', {locked: true, holder, holderAlive: true, thisHost: 'h', ageMs: 1000}), undefined)
    assert.equal(lockProblem('shop', {locked: true, holder, holderAlive: false, thisHost: 'h', ageMs: 1000})?.repair, 'clear-lock')
    // Another host's holder cannot be asked: only the heartbeat tells.
    assert.equal(lockProblem('shop', {locked: true, holder, holderAlive: false, thisHost: 'other', ageMs: 1000}), undefined)
    assert.equal(lockProblem('shop', {locked: true, thisHost: 'h', ageMs: LOCK_STALE_MS + 1})?.id, 'lock-stale')
  })

  it('feed errors are sorted by kind and keep their hint', () => {
    assert.equal(feedProblem('shop', {code: 'FEED_EXPIRED', message: 'expired', hint: 'ask'}).id, 'feed-expired')
    assert.equal(feedProblem('shop', {code: 'FEED_SIGNATURE_MISMATCH', message: 'bad'}).id, 'feed-signature')
    const other = feedProblem('shop', {code: 'FEED_UNREACHABLE', message: 'refused'})
    assert.equal(other.id, 'feed-unreadable')
    assert.ok(other.fix)
    assert.equal(feedProblem('shop', {code: 'FEED_KEY_CHANGED', message: 'dropped', hint: 'reinstall'}).fix, 'reinstall')
    assert.equal(feedProblem('shop', {code: 'FEED_IMAGE_FOREIGN', message: 'elsewhere'}).id, 'feed-image-foreign')
  })

  it('an unsigned feed on another host is a finding, with the opt-in and the way back as its fix', () => {
    const problem = unsignedFeedProblem('shop', "shop's feed is not signed")
    assert.equal(problem.id, 'feed-unsigned')
    assert.match(problem.fix, /feedKey.*discode update shop --allow-unsigned-feed.*--no-allow-unsigned-feed/)
  })

  it('host checks that warn or fail become problems', () => {
    assert.equal(checkProblem({id: 'disk', status: 'pass', detail: 'fine'}), undefined)
    assert.deepEqual(checkProblem({id: 'disk', status: 'warn', detail: 'full', hint: 'prune'}), {id: 'disk', message: 'full', fix: 'prune'})
  })

  it('a cluster app missing replicas, or spread unevenly, is a problem with its fix', () => {
    const replicas = {service: 'shop-k1', running: 3, wanted: 3, uneven: false}
    assert.equal(clusterReplicasProblem('shop', replicas), undefined)
    const missing = clusterReplicasProblem('shop', {...replicas, running: 2, reason: 'no suitable node'})
    assert.equal(missing?.id, 'cluster-replicas-missing')
    assert.match(missing!.message, /2 of 3 replicas: no suitable node/)
    assert.equal(clusterReplicasProblem('shop', {...replicas, uneven: true})?.fix, 'discode cluster rebalance shop')
  })

  it('a cluster app on the shared overlay, or on an unencrypted one of its own, is a problem saying why', () => {
    const own = {name: 'discode-cluster-shop', encrypted: true, shared: false, note: 'discode-cluster-shop: encrypted'}
    assert.equal(clusterNetworkProblem('shop', own), undefined)
    assert.equal(
      clusterNetworkProblem('shop', {...own, name: 'discode-cluster', shared: true, encrypted: false})?.id,
      'cluster-network-shared',
    )
    const clear = clusterNetworkProblem('shop', {...own, encrypted: false, note: 'discode-cluster-shop: unencrypted, because no ESP'})
    assert.equal(clear?.message, 'discode-cluster-shop: unencrypted, because no ESP')
    assert.match(clear!.fix, /not encrypted: .*IPsec ESP and AES-GCM/)
  })

  it('a process with fewer replicas running than declared is a problem, with its logs and the update that starts them', () => {
    assert.equal(processProblem('shop', {name: 'worker', wanted: 2, running: 2}), undefined)
    const problem = processProblem('shop', {name: 'worker', wanted: 2, running: 0})
    assert.equal(problem?.id, 'process-not-running')
    assert.equal(problem?.message, 'Process worker runs 0 of 2 replica(s)')
    assert.match(problem!.fix, /discode logs shop --process worker/)
  })
})
