/**
 * What a vendor reads against what discode does: every key of the recipe schema (walked through zod)
 * and every hook event discode fires must be in @discode/types (walked with the TypeScript compiler)
 * and in docs/vendors.md. Each check fails on the first thing missing, naming it.
 */
import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, it} from 'node:test'
import {fileURLToPath} from 'node:url'

import ts from 'typescript'

import {RecipeSchema} from './schema.js'
import {typesFilePath} from './types-file.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const GUIDE = readFileSync(join(ROOT, 'docs', 'vendors.md'), 'utf8')

interface ZodLike {
  _zod: {def: Record<string, unknown> & {type: string}}
}

/** Every key path of a zod schema: objects add `key`, records `*`; arrays, optionals, defaults and pipes are seen through. */
export function schemaKeys(schema: ZodLike, prefix = ''): string[] {
  const def = schema._zod.def
  const inner = (key: string) => schemaKeys(def[key] as ZodLike, prefix)
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape as Record<string, ZodLike>).flatMap(([key, value]) => [
        `${prefix}${key}`,
        ...schemaKeys(value, `${prefix}${key}.`),
      ])
    case 'optional':
    case 'default':
    case 'prefault':
    case 'nullable':
    case 'readonly':
    case 'catch':
      return inner('innerType')
    case 'pipe':
      return inner('in')
    case 'array':
      return inner('element')
    case 'record':
      return schemaKeys(def.valueType as ZodLike, `${prefix}*.`)
    case 'union':
      return [...new Set((def.options as ZodLike[]).flatMap((option) => schemaKeys(option, prefix)))]
    default:
      return []
  }
}

const MINIMAL_LIB = '/discode-vendor-contract-lib.d.ts'
const MINIMAL_LIB_TEXT = `
interface Array<T> { length: number; [n: number]: T }
interface ReadonlyArray<T> { readonly length: number; readonly [n: number]: T }
interface Boolean {}
interface CallableFunction {}
interface Function {}
interface IArguments {}
interface NewableFunction {}
interface Number {}
interface Object {}
interface RegExp {}
interface String {}
interface Promise<T> { then<R>(fulfilled: (value: T) => R): Promise<R> }
type Record<K extends keyof any, T> = { [P in K]: T }
`

/** Every key path of the exported interface `name` of a declaration file, in schemaKeys' notation. */
export function declaredKeys(file: string, name: string): string[] {
  // The few globals the types file needs, not TypeScript's whole lib (parsing that took 1.6 s of the unit run).
  const options = {strict: true, noEmit: true, types: [], noLib: true}
  const host = ts.createCompilerHost(options)
  const getSourceFile = host.getSourceFile.bind(host)
  host.getSourceFile = (path, language) =>
    path === MINIMAL_LIB ? ts.createSourceFile(path, MINIMAL_LIB_TEXT, language) : getSourceFile(path, language)
  const program = ts.createProgram([file, MINIMAL_LIB], options, host)
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
  assert.deepEqual(diagnostics, [], `${file} type-checks against the minimal lib`)
  const checker = program.getTypeChecker()
  const source = program.getSourceFile(file)!
  const symbol = checker.getExportsOfModule(checker.getSymbolAtLocation(source)!).find((s) => s.name === name)
  assert.ok(symbol, `${file} declares ${name}`)
  const walk = (type: ts.Type, prefix: string, depth: number): string[] => {
    if (depth > 6) return []
    const plain = checker.getNonNullableType(type)
    if (plain.isUnion()) return [...new Set(plain.types.flatMap((member) => walk(member, prefix, depth)))]
    if (checker.isArrayType(plain)) return walk(checker.getTypeArguments(plain as ts.TypeReference)[0], prefix, depth + 1)
    const index = checker.getIndexInfosOfType(plain)[0]
    if (index) return walk(index.type, `${prefix}*.`, depth + 1)
    if (!(plain.flags & ts.TypeFlags.Object)) return []
    return checker
      .getPropertiesOfType(plain)
      .flatMap((property) => [
        `${prefix}${property.name}`,
        ...walk(checker.getTypeOfSymbolAtLocation(property, source), `${prefix}${property.name}.`, depth + 1),
      ])
  }
  return walk(checker.getDeclaredTypeOfSymbol(symbol), '', 0)
}

/** The recipe keys docs/vendors.md's key table lists (`health.interval` / `timeout` names health.timeout too). */
export function keyTableKeys(markdown: string): string[] {
  const table = markdown.slice(markdown.indexOf('| key | type | default | meaning |'))
  const rows = table.split('\n').slice(2)
  const keys: string[] = []
  for (const row of rows) {
    if (!row.startsWith('|')) break
    let parent = ''
    for (const [, span] of row.split('|')[1].matchAll(/`([^`]+)`/g)) {
      if (span.includes('.')) parent = span.slice(0, span.indexOf('.') + 1)
      keys.push(span.includes('.') ? span : `${parent}${span}`)
    }
  }
  return keys
}

/** Words the guide shows as code: identifiers in inline spans and YAML/JSON keys in fenced blocks. */
export function codeWords(markdown: string): Set<string> {
  const spans = [...markdown.matchAll(/`([^`\n]+)`/g)].flatMap((m) => m[1].match(/[A-Za-z_][\w-]*/g) ?? [])
  const keys = [...markdown.matchAll(/^[\s-]*"?([A-Za-z_]\w*)"?:/gm), ...markdown.matchAll(/[{,]\s*"?([A-Za-z_]\w*)"?:/g)].map((m) => m[1])
  return new Set([...spans, ...keys])
}

/** The first of `wanted` that `has` refuses, or undefined. */
function firstMissing(wanted: string[], has: (item: string) => boolean): string | undefined {
  return wanted.find((item) => !has(item))
}

/** The hook events discode fires: the `discode:NAME` string literals of src/ outside tests. */
function firedEvents(): string[] {
  const dir = join(ROOT, 'src')
  const files = readdirSync(dir, {recursive: true, encoding: 'utf8'}).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  const events = files.flatMap((file) =>
    [...readFileSync(join(dir, file), 'utf8').matchAll(/['"`](discode:[a-z-]+)['"`]/g)].map((m) => m[1]),
  )
  return [...new Set(events)].sort()
}

describe('the vendor contract: schema and events against @discode/types and docs/vendors.md', () => {
  const keys = schemaKeys(RecipeSchema as unknown as ZodLike)
  const types = declaredKeys(typesFilePath(), 'RecipeFile')

  it('walks the schema and the types deep enough to see nested keys', () => {
    for (const key of ['inputs.since', 'accessories.*.backup.dump', 'stop.signal', 'proxy.pathPrefix', 'hooks.preRollback.run'])
      assert.ok(keys.includes(key), `schemaKeys sees ${key}`)
    assert.ok(types.includes('accessories.*.stop.timeout'), 'declaredKeys sees accessories.*.stop.timeout')
  })

  it('every schema key is in RecipeFile, and every RecipeFile key in the schema', () => {
    const inTypes = new Set(types)
    const missing = firstMissing(keys, (key) => inTypes.has(key))
    assert.equal(missing, undefined, `recipe key ${missing} is missing from RecipeFile in packages/discode-types/index.d.ts`)
    const inSchema = new Set(keys)
    const extra = firstMissing(types, (key) => inSchema.has(key))
    assert.equal(extra, undefined, `RecipeFile declares ${extra}, which the recipe schema does not have`)
  })

  it("every top-level key is in the guide's key table, and every nested key is shown in the guide", () => {
    const table = keyTableKeys(GUIDE)
    const topLevel = keys.filter((key) => !key.includes('.'))
    const missing = firstMissing(topLevel, (key) => table.some((listed) => listed === key || listed.startsWith(`${key}.`)))
    assert.equal(missing, undefined, `recipe key ${missing} is missing from the key table of docs/vendors.md`)
    const words = codeWords(GUIDE)
    const nested = firstMissing(
      keys.filter((key) => key.includes('.')),
      (key) => words.has(key.slice(key.lastIndexOf('.') + 1)),
    )
    assert.equal(nested, undefined, `recipe key ${nested} is not shown anywhere in docs/vendors.md`)
  })

  it('every hook event discode fires is declared in @discode/types and listed in the guide', () => {
    const events = firedEvents()
    assert.ok(events.length >= 5, `found ${events.join(', ')}`)
    const declared = readFileSync(typesFilePath(), 'utf8')
    const undeclared = firstMissing(events, (event) => declared.includes(`'${event}'`))
    assert.equal(undeclared, undefined, `hook event ${undeclared} is missing from packages/discode-types/index.d.ts`)
    const eventRows = GUIDE.split('\n').filter((line) => /^\| `discode:[a-z-]+` \|/.test(line))
    const unlisted = firstMissing(events, (event) => eventRows.some((row) => row.startsWith(`| \`${event}\``)))
    assert.equal(unlisted, undefined, `hook event ${unlisted} is missing from the events table of docs/vendors.md`)
  })

  it('the checks catch what the issue found', () => {
    assert.deepEqual(
      keyTableKeys('| key | type | default | meaning |\n|---|\n| `health.interval` / `timeout` | x |\n| `name` | y |\n\n| `z` |'),
      ['health.interval', 'health.timeout', 'name'],
    )
    assert.equal(codeWords('An input may have `since`.').has('since'), true)
    assert.equal(codeWords('An input may have since.').has('since'), false)
  })
})
