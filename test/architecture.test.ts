/**
 * docs/architecture.md against the code (no Docker): every file it names exists, and the engine
 * folders that import each other are exactly the ones it lists (a new two-way import fails here, and
 * so does one that is gone while the page still lists it).
 */
import assert from 'node:assert/strict'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {dirname, join, normalize, relative} from 'node:path'
import {describe, it} from 'node:test'

import {ROOT} from './support/discode.js'

const PAGE = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8')

/** Relative imports of each source file, as folder -> folder edges under src/ (tests left out). */
export function folderEdges(root: string): Set<string> {
  const edges = new Set<string>()
  const files = readdirSync(join(root, 'src'), {recursive: true, encoding: 'utf8'}).filter(
    (file) => /\.c?ts$/.test(file) && !file.endsWith('.test.ts') && !file.includes('testing/'),
  )
  for (const file of files) {
    const from = file.split('/')[0]
    if (!file.includes('/')) continue
    const text = readFileSync(join(root, 'src', file), 'utf8')
    for (const [, spec] of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)) {
      const target = relative(join(root, 'src'), normalize(join(root, 'src', dirname(file), spec)))
      const to = target.split('/')[0]
      if (target.includes('/') && !target.startsWith('..') && to !== from) edges.add(`${from} -> ${to}`)
    }
  }
  return edges
}

function twoWay(edges: Set<string>): string[] {
  return [...edges]
    .map((edge) => edge.split(' -> '))
    .filter(([a, b]) => a < b && edges.has(`${b} -> ${a}`))
    .map(([a, b]) => `${a} <-> ${b}`)
    .sort()
}

describe('docs/architecture.md', () => {
  it('names only files that exist', () => {
    const named = [...PAGE.matchAll(/`((?:src|test|scripts|docs)\/[\w./-]+\.(?:ts|cts|md))`/g)].map((m) => m[1])
    assert.ok(named.length > 30, `the page names ${named.length} files`)
    const missing = [...new Set(named)].filter((file) => !existsSync(join(ROOT, file)))
    assert.deepEqual(missing, [], 'files the page names but the repository lacks')
  })

  it('lists exactly the engine folders that import each other', () => {
    const section = /<!-- two-way folder imports -->\n([\s\S]*?)<!-- end -->/.exec(PAGE)?.[1] ?? ''
    const listed = [...section.matchAll(/`(\w+)` <-> `(\w+)`/g)].map((m) => `${m[1]} <-> ${m[2]}`).sort()
    assert.ok(listed.length > 0, 'the page lists the two-way imports between its markers')
    assert.deepEqual(twoWay(folderEdges(ROOT)), listed)
  })

  it('the check sees a two-way import', () => {
    assert.deepEqual(twoWay(new Set(['a -> b', 'b -> a', 'b -> c'])), ['a <-> b'])
  })
})
