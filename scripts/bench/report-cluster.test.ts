import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {clusterSection, clusterSummaryLine, medianWall, placementText} from './report-cluster.js'
import {summarize} from './stats.js'
import type {ClusterReport, Results, SwitchResult} from './types.js'

const ok = (latency: number) => ({start: 0, end: latency, status: 200, host: 0, body: 'version=1.1.0\n'})
const failedOne = {start: 0, end: 1, status: 502, host: 0}

function sw(n: number, command: string, wallMs: number, failed = 0): SwitchResult {
  const records = [ok(5), ok(9), ...Array.from({length: failed}, () => failedOne)]
  return {
    n,
    command,
    code: 0,
    wallMs,
    timings: {switch: wallMs / 2},
    overheadMs: 0,
    window: {from: 0, to: 1},
    summary: summarize(records),
    downtimeMs: 0,
    versions: {'version=1.1.0': 2},
  }
}

function load(switches: SwitchResult[], steady: number[], windows: number[], failedInWindows = 0) {
  const failures = Array.from({length: failedInWindows}, () => failedOne)
  const all = summarize([...steady.map(ok), ...windows.map(ok), ...failures])
  return {
    warmup: 0,
    all,
    steady: summarize(steady.map(ok)),
    windows: summarize([...windows.map(ok), ...failures]),
    failedOutside: 0,
    autocannon: {completed: 0, non2xx: 0, errors: 0, timeouts: 0},
    durationS: 10,
    achievedRate: 205,
    listenOverflows: 0,
    switches,
  }
}

function results(cluster?: ClusterReport): Results {
  return {
    config: {rate: 210, connections: 32},
    machine: {cpu: '2 cores (Test CPU)'},
    discode: load([sw(1, 'discode update APP --to 1.1.0', 2000), sw(2, 'discode rollback APP --keep-data', 1000)], [4, 4, 6], [8, 10]),
    cluster,
  } as unknown as Results
}

const cluster: ClusterReport = {
  ...load(
    [sw(1, 'discode update APP --to 1.1.0 --no-snapshot', 6000), sw(2, 'discode rollback APP --keep-data', 3000, 2)],
    [8, 8, 12],
    [20, 30],
    2,
  ),
  nodes: 3,
  replicas: 3,
  placement: {installed: {swnode2: 1, swnode1: 1, swnode3: 1}, end: {swnode1: 1, swnode2: 2}},
  setup: {standS: 12, joinS: 4, installS: 20, teardownS: 9},
}

describe('the cluster row of the report', () => {
  it('is absent for results from before the cluster phase', () => {
    assert.deepEqual(clusterSection(results()), [])
    assert.deepEqual(clusterSummaryLine(results()), [])
  })

  it('sets 3 nodes beside one host: failures, p99 in steady state and in the windows, and the ratios', () => {
    const text = clusterSection(results(cluster)).join('\n')
    assert.match(text, /the same 2 cores \(Test CPU\)/)
    assert.match(text, /VXLAN overlay/)
    assert.match(text, /\| failed requests in the switch windows \| 0 \| 2 \(2× 502\) \| \|/)
    assert.match(text, /\| latency, steady state \(p50 \/ p99 \/ max ms\) \| 4\.0 \/ 6\.0 \/ 6\.0 \| 8\.0 \/ 12\.0 \/ 12\.0 \| 2\.00× \|/)
    assert.match(text, /\| command time, s \(median update, rollback\) \| 2\.00, 1\.00 \| 6\.00, 3\.00 \| 3\.00× \|/)
    assert.match(text, /after the last switch swnode1: 1, swnode2: 2/)
    assert.match(
      clusterSummaryLine(results(cluster))[0],
      /2 failed of 7 requests .* p99 steady 12\.0 ms, around switches 30\.0 ms \(2\.50×\); one host: 0 failed/,
    )
  })

  it('nodes in name order; median wall time of the successful switches of one kind', () => {
    assert.equal(placementText({swnode3: 1, swnode1: 2}), 'swnode1: 2, swnode3: 1')
    assert.equal(placementText({}), '–')
    const failedUpdate = {...sw(3, 'discode update APP --to 1.2.0', 99_000), code: 1}
    assert.equal(medianWall([sw(1, 'discode update APP', 2000), failedUpdate, sw(2, 'discode rollback APP', 1000)], 'update'), 2000)
  })
})
