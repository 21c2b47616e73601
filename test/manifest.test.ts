/** The oclif manifest is what makes start-up fast; a command missing from it would not run. */
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {readdirSync, readFileSync} from 'node:fs'
import {join, relative} from 'node:path'
import {describe, it} from 'node:test'

import {ROOT} from './support/discode.js'

function commandIds(dir = join(ROOT, 'src', 'commands')): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return commandIds(path)
    if (!entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) return []
    return [
      relative(join(ROOT, 'src', 'commands'), path)
        .replace(/\.ts$/, '')
        .replace(/\/index$/, '')
        .split('/')
        .join(':'),
    ]
  })
}

describe('oclif manifest and help', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, {examples?: unknown[]}>}

  it('lists every command in src/commands, each with examples', () => {
    const ids = commandIds()
    assert.ok(ids.length >= 13, `found only ${ids.length} commands`)
    for (const id of ids) {
      assert.ok(manifest.commands[id], `oclif.manifest.json lacks ${id}: run npm run build`)
      assert.ok((manifest.commands[id].examples ?? []).length > 0, `${id} has no examples in its help`)
    }
  })

  it('--help of a command shows its examples', () => {
    const help = execFileSync(process.execPath, [join(ROOT, 'bin/run.js'), 'update', '--help'], {encoding: 'utf8'})
    assert.match(help, /EXAMPLES/)
    assert.match(help, /discode update myapp --check/)
  })
})
