import assert from 'node:assert/strict'
import {it} from 'node:test'

import {previousCell, previousRun} from './previous.js'

const PAGE = `# Benchmarks

Measured 2026-12-02 (a full run, 375 s). To reproduce:

## Goals

| goal | target | measured | |
|---|---|---|---|
| discode's own overhead per update or rollback | < 1 s | median 1.45 s, max 1.93 s | ❌ not met |
| start-up vs bare \`node -e 0\` (median of 21) | < 3× | \`--version\` 2.43× | ❌ not met |
| updating one of 30 apps fails no request on the others | 0 | 0 failed of 2,457 | ✅ met |

## 1. Updates under load
| a | b | c | d |
`

it("reads the previous run's date and each goal's measured cell, matched by the goal's text whatever its figures", () => {
  const previous = previousRun(PAGE)
  assert.equal(previous?.date, '2026-12-02')
  assert.equal(previous?.measured.size, 3)
  assert.equal(previousCell(previous, "discode's own overhead per update or rollback"), 'median 1.45 s, max 1.93 s')
  assert.equal(previousCell(previous, 'start-up vs bare `node -e 0` (median of 7)'), '`--version` 2.43×')
  assert.equal(previousCell(previous, 'updating one of 12 apps fails no request on the others'), '0 failed of 2,457')
})

it('gives a dash for a goal the previous run did not have, and nothing for a page without goals', () => {
  assert.equal(previousCell(previousRun(PAGE), 'a cluster update against one host'), '–')
  assert.equal(previousRun('# Benchmarks\n\nno table'), undefined)
  assert.equal(previousRun(undefined), undefined)
  assert.equal(previousCell(undefined, 'anything'), '–')
})
