/**
 * docs/architecture.md against the code (no Docker): every file it names exists; no folder-level
 * import cycle exists among src/ (strongly connected components of the folder graph, type-only and
 * lazy imports included); every engine folder is on the page's layer list and imports nothing on a
 * higher layer; and the two-way folder imports are exactly the ones the page lists.
 */
import assert from 'node:assert/strict'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {dirname, join, normalize, relative} from 'node:path'
import {describe, it} from 'node:test'

import {ROOT} from './support/discode.js'

const PAGE = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8')

/** A src/ file's node in the graph: its top folder, or the file itself for one at the top of src/. */
function nodeOf(path: string): string {
  return path.includes('/') ? path.split('/')[0] : path
}

/** The source file a relative import names (`./x.js` is `x.ts`), or undefined when there is none (text in a template). */
function sourceOf(target: string, src: string): string | undefined {
  const base = target.replace(/\.c?js$/, '')
  return ['.ts', '.cts', '/index.ts'].map((ext) => base + ext).find((file) => existsSync(join(src, file)))
}

/** The relative specifiers a source text imports: static, `import type`, dynamic `import()`, `export ... from`. */
export function relativeImports(text: string): string[] {
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)].map((match) => match[1])
}

/**
 * Every relative import of each source file (static, dynamic `import()`, `import type`, `export ... from`)
 * as a `from -> to` edge between src/ folders (a file at the top of src/ is its own node); tests left
 * out. The fake Engine (`src/testing/`) counts: it is a folder of its own, above the ports it wires.
 */
export function folderEdges(root: string): Set<string> {
  const src = join(root, 'src')
  const edges = new Set<string>()
  const files = readdirSync(src, {recursive: true, encoding: 'utf8'}).filter((file) => /\.c?ts$/.test(file) && !file.endsWith('.test.ts'))
  for (const file of files) {
    const text = readFileSync(join(src, file), 'utf8')
    for (const spec of relativeImports(text)) {
      const target = relative(src, normalize(join(src, dirname(file), spec)))
      const found = target.startsWith('..') ? undefined : sourceOf(target, src)
      if (found && nodeOf(found) !== nodeOf(file)) edges.add(`${nodeOf(file)} -> ${nodeOf(found)}`)
    }
  }
  return edges
}

/** The strongly connected components of more than one node (Tarjan): each is a folder-level import cycle. */
export function cycles(edges: Set<string>): string[][] {
  const next = new Map<string, string[]>()
  for (const [a, b] of [...edges].map((edge) => edge.split(' -> '))) {
    next.set(a, [...(next.get(a) ?? []), b])
    if (!next.has(b)) next.set(b, [])
  }
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const found: string[][] = []
  const visit = (node: string) => {
    index.set(node, index.size)
    low.set(node, index.get(node)!)
    stack.push(node)
    for (const to of next.get(node)!) {
      if (!index.has(to)) visit(to)
      if (stack.includes(to)) low.set(node, Math.min(low.get(node)!, low.get(to)!))
    }
    if (low.get(node) !== index.get(node)) return
    const component = stack.splice(stack.indexOf(node))
    if (component.length > 1) found.push(component.sort())
  }
  for (const node of next.keys()) if (!index.has(node)) visit(node)
  return found.sort()
}

function twoWay(edges: Set<string>): string[] {
  return [...edges]
    .map((edge) => edge.split(' -> '))
    .filter(([a, b]) => a < b && edges.has(`${b} -> ${a}`))
    .map(([a, b]) => `${a} <-> ${b}`)
    .sort()
}

/** The page's layers, lowest first: folder -> its layer's number (a folder is a lowercase name in backticks). */
function layers(page: string): Map<string, number> {
  const section = /<!-- folder layers -->\n([\s\S]*?)<!-- end -->/.exec(page)?.[1] ?? ''
  const layer = new Map<string, number>()
  for (const [number, item] of section
    .split(/^\d+\. /m)
    .slice(1)
    .entries())
    for (const [, folder] of item.matchAll(/`([a-z][a-z-]*)`/g)) layer.set(folder, number)
  return layer
}

/** Edges between two listed folders that go up the layers, as `from -> to` (a file at the top of src/ has no layer). */
function upward(edges: Set<string>, layer: Map<string, number>): string[] {
  return [...edges].filter((edge) => {
    const [from, to] = edge.split(' -> ')
    return layer.has(from) && layer.has(to) && layer.get(to)! > layer.get(from)!
  })
}

const srcFolders = () =>
  readdirSync(join(ROOT, 'src'), {withFileTypes: true})
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()

describe('docs/architecture.md', () => {
  it('names only files that exist', () => {
    const named = [...PAGE.matchAll(/`((?:src|test|scripts|docs)\/[\w./-]+\.(?:ts|cts|md))`/g)].map((m) => m[1])
    assert.ok(named.length > 30, `the page names ${named.length} files`)
    const missing = [...new Set(named)].filter((file) => !existsSync(join(ROOT, file)))
    assert.deepEqual(missing, [], 'files the page names but the repository lacks')
  })

  it('src/ has no folder-level import cycle', () => {
    const edges = folderEdges(ROOT)
    assert.ok(edges.size > 50, `the graph has ${edges.size} edges`)
    assert.deepEqual(cycles(edges), [], 'folders that import each other, directly or round a cycle')
  })

  it('names every src/ folder on one layer, and no folder imports a higher layer', () => {
    const layer = layers(PAGE)
    assert.deepEqual([...layer.keys()].sort(), srcFolders(), 'the folders the layer list names')
    assert.deepEqual(upward(folderEdges(ROOT), layer), [], 'imports that go up the layers')
  })

  it('lists exactly the engine folders that import each other', () => {
    const section = /<!-- two-way folder imports -->\n([\s\S]*?)<!-- end -->/.exec(PAGE)?.[1]
    assert.ok(section !== undefined, 'the page has the two-way import markers')
    const listed = [...section.matchAll(/`(\w+)` <-> `(\w+)`/g)].map((m) => `${m[1]} <-> ${m[2]}`).sort()
    assert.deepEqual(twoWay(folderEdges(ROOT)), listed)
  })

  it('the checks see a cycle, a two-way import and an import up the layers', () => {
    const edges = new Set(['a -> b', 'b -> c', 'c -> a', 'c -> d', 'd -> e', 'e -> d', 'f -> a'])
    assert.deepEqual(cycles(edges), [
      ['a', 'b', 'c'],
      ['d', 'e'],
    ])
    assert.deepEqual(cycles(new Set(['a -> b', 'b -> c', 'a -> c'])), [])
    assert.deepEqual(twoWay(new Set(['a -> b', 'b -> a', 'b -> c'])), ['a <-> b'])
    const layer = layers('<!-- folder layers -->\n1. `a` (the `A` type),\n   `b`\n2. `c`\n<!-- end -->')
    assert.deepEqual(upward(new Set(['c -> a', 'a -> b', 'a -> c', 'a -> errors.ts', 'runtimes.ts -> c']), layer), ['a -> c'])
  })

  it('the graph sees type-only, lazy and re-exported imports, and skips text that only looks like one', () => {
    const text = [
      "import type {Engine} from '../lifecycle/context.js'",
      "import {type Recipe, hasTemplate} from '../recipes/schema.js'",
      "const {notify} = await import('../notify/notify.js')",
      "export {LABELS} from '../names/names.js'",
      "import {z} from 'zod'",
    ].join('\n')
    assert.deepEqual(relativeImports(text), ['../lifecycle/context.js', '../recipes/schema.js', '../notify/notify.js', '../names/names.js'])
    const edges = folderEdges(ROOT)
    // src/backup/port.ts loads src/notify lazily; src/runtimes.ts, at the top of src/, is its own node.
    for (const edge of ['backup -> notify', 'commands -> lifecycle', 'runtimes.ts -> cluster']) assert.ok(edges.has(edge), edge)
    // src/scaffold/scaffold-files.ts holds a plugin's test, whose import names no file of discode.
    assert.ok(![...edges].some((edge) => edge.endsWith('-> src')), 'a template holding an import line is no edge')
  })
})
