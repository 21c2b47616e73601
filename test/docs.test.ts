/**
 * docs/vendors.md against the product (no Docker): every `discode ...` command it shows exists (in
 * discode's oclif manifest or that of a plugin discode bundles, such as `plugins`), and it points
 * vendors at no file of this repository outside plugins/ and docs/ (vendors do not have them).
 */
import assert from 'node:assert/strict'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join, normalize, relative} from 'node:path'
import {describe, it} from 'node:test'

import {ROOT} from './support/discode.js'
import {runNpm} from './support/verdaccio.js'
import {guideWalkthrough, walkthroughCommands} from './support/walkthrough.js'

const GUIDE = join(ROOT, 'docs', 'vendors.md')
const text = readFileSync(GUIDE, 'utf8')
const PLUGIN_LAYOUT_DIRS = new Set(['src', 'dist', 'test', 'recipes', 'src/hooks'])

/** Command ids (`recipes validate`) of discode and of the oclif plugins it bundles. */
function commandIds(): Set<string> {
  const pjson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {oclif: {plugins: string[]}}
  const manifests = [
    join(ROOT, 'oclif.manifest.json'),
    ...pjson.oclif.plugins.map((plugin) => join(ROOT, 'node_modules', plugin, 'oclif.manifest.json')),
  ]
  const ids = manifests.flatMap((file) => {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as {commands: Record<string, {aliases?: string[]}>}
    return Object.entries(manifest.commands).flatMap(([id, command]) => [id, ...(command.aliases ?? [])])
  })
  return new Set(ids.map((id) => id.split(':').join(' ')))
}

/** The code of the guide: fenced blocks and inline spans, where commands are shown. */
function codeOf(markdown: string): string[] {
  const fenced = [...markdown.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].map((m) => m[1])
  const prose = markdown.replace(/^```[^\n]*\n[\s\S]*?^```/gm, '')
  const inline = [...prose.matchAll(/`([^`\n]+)`/g)].map((m) => m[1])
  return [...fenced, ...inline]
}

/** Each `discode WORD WORD...` in the code, as the lowercase words that may name a command. */
export function shownCommands(code: string[]): string[] {
  return code.flatMap((block) => [...block.matchAll(/(?:^|[\s(|;&$])discode((?: [a-z][a-z0-9-]*)+)/gm)].map((m) => m[1].trim()))
}

/** The shown commands none of whose leading word runs is a command (the rest would be arguments). */
function unknownCommands(shown: string[], ids: Set<string>): string[] {
  const unknown = shown.filter((words) => {
    const parts = words.split(' ')
    return !parts.some((_, i) => ids.has(parts.slice(0, parts.length - i).join(' ')))
  })
  return [...new Set(unknown)]
}

/** Path-like words of `markdown` that name something in this repository outside plugins/ and docs/. */
function repoPaths(markdown: string): string[] {
  const paths = [...markdown.matchAll(/(?:^|[\s`(])((?:\.\.\/)*[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]*)/gm)].map((m) =>
    m[1].replace(/[.,]+$/, ''),
  )
  const inRepo = paths.filter((path) => {
    const resolved = relative(ROOT, normalize(path.startsWith('../') ? join(ROOT, 'docs', path) : join(ROOT, path)))
    if (resolved.startsWith('..') || !existsSync(join(ROOT, resolved)) || /^(plugins|docs)(\/|$)/.test(resolved)) return false
    // The directories of a vendor's own package (src/hooks/, dist/...) share their names with ours.
    return !(path.endsWith('/') && PLUGIN_LAYOUT_DIRS.has(resolved))
  })
  return [...new Set(inRepo)]
}

describe('docs/vendors.md', () => {
  const ids = commandIds()

  it('shows only commands that exist', () => {
    const shown = shownCommands(codeOf(text))
    assert.ok(shown.length >= 20, `found only ${shown.length} commands in the guide`)
    assert.deepEqual(unknownCommands(shown, ids), [])
    for (const command of ['recipes init', 'recipes test', 'recipes validate', 'feed keygen', 'plugins install'])
      assert.ok(
        shown.some((words) => words.startsWith(command)),
        `the guide shows ${command}`,
      )
  })

  it('points at no file of this repository outside plugins/ and docs/', () => {
    // Relative links must stay within plugins/ and docs/.
    const links = [...text.matchAll(/\]\(([^)#\s]+)[^)]*\)/g)].map((m) => m[1]).filter((target) => !/^[a-z]+:/.test(target))
    const badLinks = links.filter((target) => !/^(plugins|docs)\//.test(relative(ROOT, normalize(join(ROOT, 'docs', target)))))
    assert.deepEqual(badLinks, [])
    assert.deepEqual(repoPaths(text), [])
  })

  it('the checks catch what the issue found', () => {
    const shown = shownCommands(['discode plugins inspect @x/y', 'run discode recipes lint'])
    assert.deepEqual(shown, ['plugins inspect', 'recipes lint'])
    assert.deepEqual(unknownCommands(shown, ids), ['recipes lint'])
    assert.deepEqual(repoPaths('From `src/lifecycle/go-live.ts`, see test/support/verdaccio.test.ts and `src/hooks/`.'), [
      'src/lifecycle/go-live.ts',
      'test/support/verdaccio.test.ts',
    ])
  })
})

/** Every `docs/NAME` that src/ (outside tests) names, hints included, with the file naming it. */
export function docsNamedInSource(files: Record<string, string>): {file: string; path: string}[] {
  return Object.entries(files).flatMap(([file, text]) =>
    [...text.matchAll(/\bdocs\/[A-Za-z0-9_-]+\.[a-z]+/g)].map((m) => ({file, path: m[0]})),
  )
}

describe('the docs hints point at', () => {
  it('ship with the package: every docs/ file named in src/ is in `npm pack`', async () => {
    const packed = await runNpm(['pack', '--dry-run', '--json', '--ignore-scripts'], {cwd: ROOT})
    const [{files}] = JSON.parse(packed.stdout) as {files: {path: string}[]}[]
    const inPackage = new Set(files.map((f) => f.path))
    assert.ok(inPackage.has('docs/vendors.md') && inPackage.has('packages/discode-types/index.d.ts'))
    const src = join(ROOT, 'src')
    const sources = Object.fromEntries(
      readdirSync(src, {recursive: true, encoding: 'utf8'})
        .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
        .map((file) => [`src/${file}`, readFileSync(join(src, file), 'utf8')]),
    )
    const named = docsNamedInSource(sources)
    assert.ok(
      named.some((n) => n.file === 'src/commands/recipes/validate.ts'),
      'the validate hint names docs/vendors.md',
    )
    const missing = named.find((n) => !inPackage.has(n.path))
    assert.equal(missing, undefined, `${missing?.file} names ${missing?.path}, which the package does not ship`)
    assert.deepEqual(docsNamedInSource({'x.ts': "hint: 'see docs/nosuch.md'"}), [{file: 'x.ts', path: 'docs/nosuch.md'}])
  })
})

describe("docs/vendors.md's walkthrough (run by test/e2e/vendor.test.ts)", () => {
  it('goes from recipes init to plugins install through every step of a vendor', () => {
    const commands = guideWalkthrough()
    const steps = [
      'discode recipes init',
      'discode recipes validate',
      'docker push',
      'discode feed add',
      'discode feed sign',
      'npm install',
      'npm test',
      'npm run build',
      'discode recipes test',
      'npm pack',
      'npm publish',
      'discode plugins install',
    ]
    let at = -1
    for (const step of steps) {
      const index = commands.findIndex((command, i) => i > at && command.startsWith(step))
      assert.ok(index > at, `the walkthrough runs ${step} after the steps before it:\n${commands.join('\n')}`)
      at = index
    }
    assert.deepEqual(walkthroughCommands('### The walkthrough\n```console\n$ a\nout\n$ b\n```\n## Next\n```console\n$ c\n```'), ['a', 'b'])
  })
})
