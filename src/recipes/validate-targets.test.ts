import assert from 'node:assert/strict'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'

import {validateRecipeDir} from './load.js'
import {problemLine, recipeDirsOf} from './validate-targets.js'

describe('recipes validate: what it checks and how it says it', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'discode-validate-'))
  after(() => rmSync(tmp, {recursive: true, force: true}))
  const recipe = (dir: string, text: string) => {
    mkdirSync(dir, {recursive: true})
    writeFileSync(join(dir, 'recipe.yml'), text)
  }

  it('on a plugin root, every recipe of its discode.recipes directory; on a recipe, that one', () => {
    const plugin = join(tmp, 'plugin')
    writeFileSync(join(tmp, 'x'), '')
    mkdirSync(plugin)
    writeFileSync(join(plugin, 'package.json'), JSON.stringify({discode: {apiVersion: 1, recipes: './shipped'}}))
    recipe(join(plugin, 'shipped', 'b'), 'name: b\n')
    recipe(join(plugin, 'shipped', 'a'), 'name: a\n')
    mkdirSync(join(plugin, 'shipped', 'notes'))
    assert.deepEqual(recipeDirsOf(plugin), [join(plugin, 'shipped', 'a'), join(plugin, 'shipped', 'b')])
    assert.deepEqual(recipeDirsOf(join(plugin, 'shipped', 'a')), [join(plugin, 'shipped', 'a')])
    const bare = join(tmp, 'bare')
    recipe(join(bare, 'recipes', 'c'), 'name: c\n')
    assert.deepEqual(recipeDirsOf(bare), [join(bare, 'recipes', 'c')])
    assert.deepEqual(recipeDirsOf(join(tmp, 'nothing')), [join(tmp, 'nothing')])
  })

  it('prints file:line:column for a key problem as well as for a syntax error', () => {
    const dir = join(tmp, 'bad')
    recipe(dir, 'name: bad\nimage: r.example.com/bad\nfeed: https://r.example.com/f.json\nport: 70000\n')
    const [problem] = validateRecipeDir(dir).errors
    assert.equal(problemLine(problem).split(': ')[0], `${join(dir, 'recipe.yml')}:4:7`)
    assert.match(problemLine(problem), /:4:7: port: /)
    assert.equal(problemLine({file: 'f', path: 'x', message: 'm'}), 'f: x: m')
  })
})
