import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {RequestRecord} from './load.js'
import {binRequests, linearScale, niceMax, renderTimelineSvg, ticks} from './timeline.js'

const req = (start: number, latency: number, status = 200): RequestRecord => ({start, end: start + latency, status, host: 0})

describe('timeline: binning', () => {
  it('counts requests by the 100 ms they were sent in, successful and failed apart; outside the span left out', () => {
    const records = [req(1000, 5), req(1099.9, 7), req(1100, 3), req(1150, 0, 502), req(1150, 10_000, 0), req(999, 1), req(1300, 1)]
    const bins = binRequests(records, 1000, 300)
    assert.deepEqual(
      bins.map((b) => [b.t, b.ok, b.failed]),
      [
        [0, 2, 0],
        [100, 1, 2],
        [200, 0, 0],
      ],
    )
  })

  it('p99 per bin is of the successful requests only (nearest rank), NaN for a bin without one', () => {
    const latencies = Array.from({length: 100}, (_, i) => i + 1) // 1..100 ms
    const records = [...latencies.map((l, i) => req(i, l)), req(50, 5000, 503), req(150, 0, 0)]
    const [first, second] = binRequests(records, 0, 200)
    assert.equal(first.ok, 100)
    assert.equal(first.p99, 99, 'the 503 answer, slow as it is, is not a latency')
    assert.ok(Number.isNaN(second.p99))
    assert.equal(second.failed, 1)
  })

  it('a span that is not a whole number of bins gets a last, partial bin', () => {
    assert.equal(binRequests([], 0, 1050).length, 11)
  })
})

describe('timeline: scales', () => {
  it('linearScale maps the domain onto the range, inverted for an upward y axis', () => {
    const x = linearScale([0, 10_000], [60, 940])
    assert.equal(x(0), 60)
    assert.equal(x(5000), 500)
    assert.equal(x(10_000), 940)
    const y = linearScale([0, 40], [200, 70])
    assert.equal(y(0), 200)
    assert.equal(y(40), 70)
    assert.equal(y(20), 135)
    assert.equal(linearScale([3, 3], [0, 100])(3), 0, 'an empty domain does not divide by zero')
  })

  it('niceMax rounds up to 1, 2 or 5 times a power of ten', () => {
    assert.deepEqual(
      [0, 0.3, 1, 1.5, 2, 2.1, 7, 10, 11, 23, 48, 51, 999, 1001].map(niceMax),
      [1, 1, 1, 2, 2, 5, 10, 10, 20, 50, 50, 100, 1000, 2000],
    )
  })

  it('ticks split 0..max into whole steps', () => {
    assert.deepEqual(ticks(20), [0, 5, 10, 15, 20])
    assert.deepEqual(ticks(50), [0, 10, 20, 30, 40, 50])
    assert.deepEqual(ticks(1000), [0, 200, 400, 600, 800, 1000])
    assert.deepEqual(ticks(1), [0, 0.2, 0.4, 0.6, 0.8, 1])
  })
})

describe('timeline: SVG', () => {
  const panel = (title: string, records: RequestRecord[]) => ({
    title,
    from: 0,
    records,
    marks: [{from: 500, to: 800, label: 'update 1.0.0 -> 1.1.0'}],
  })

  it('draws failed requests in red only where there are some, marks the updates, escapes text', () => {
    const svg = renderTimelineSvg(
      [panel('discode <blue-green>', [req(10, 4), req(600, 8)]), panel('stop & start', [req(10, 4), req(600, 0, 0)])],
      {
        spanMs: 1000,
        caption: 'Requests around the updates',
      },
    )
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
    assert.match(svg, /discode &lt;blue-green&gt; \(0 failed in this view\)/)
    assert.match(svg, /stop &amp; start \(1 failed in this view\)/)
    assert.equal(svg.match(/fill="#d62728"\/>/g)?.length, 2, 'one red bar, plus the legend swatch')
    assert.equal(svg.match(/update 1\.0\.0 -&gt; 1\.1\.0/g)?.length, 2, 'the update marked in both panels')
    assert.equal(svg.match(/<svg/g)?.length, svg.match(/<\/svg>/g)?.length)
  })

  it('both panels share one count scale: the tallest bin of either sets it', () => {
    const many = Array.from({length: 30}, (_, i) => req(i, 2))
    const svg = renderTimelineSvg([panel('a', many), panel('b', [req(5, 2)])], {spanMs: 1000, caption: 'c'})
    // 30 requests in one bin: the axis goes to 50, labelled in both panels.
    assert.equal(svg.match(/text-anchor="end" fill="#555">50</g)?.length, 2)
  })
})
