/**
 * What oclif users expect from a CLI: shell completion (@oclif/plugin-autocomplete) and "did you mean"
 * for a mistyped command (@oclif/plugin-not-found), through the built CLI. No Docker needed.
 */
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'

import {ROOT} from './support/discode.js'

const BIN = join(ROOT, 'bin', 'run.js')
const home = mkdtempSync(join(tmpdir(), 'discode-oclif-plugins-'))
const env = {
  ...process.env,
  HOME: home,
  XDG_CACHE_HOME: join(home, 'cache'),
  XDG_CONFIG_HOME: join(home, 'config'),
  DISCODE_HOME: join(home, 'discode'),
}

function run(file: string, args: string[], input = ''): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((ok) => {
    const child = execFile(file, args, {env, timeout: 60_000}, (error, stdout, stderr) =>
      ok({code: error ? Number((error as {code?: unknown}).code ?? 1) : 0, stdout, stderr}),
    )
    child.stdin?.end(input)
  })
}
const strip = (text: string) => text.replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '')

describe('oclif plugins: autocomplete and not-found', () => {
  after(() => rmSync(home, {recursive: true, force: true}))

  it('package.json loads both plugins', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
    for (const name of ['@oclif/plugin-autocomplete', '@oclif/plugin-not-found']) {
      assert.ok(pkg.oclif.plugins.includes(name), `${name} in oclif.plugins`)
      assert.ok(pkg.dependencies[name], `${name} in dependencies`)
    }
  })

  it('discode autocomplete --help shows the shells and examples', async () => {
    const {code, stdout} = await run(process.execPath, [BIN, 'autocomplete', '--help'])
    assert.equal(code, 0)
    assert.match(stdout, /\$ discode autocomplete \[SHELL\]/)
    assert.match(stdout, /\(zsh\|bash\|powershell\)/)
    assert.match(stdout, /\$ discode autocomplete bash/)
  })

  it('the bash completion it installs completes discode commands and flags', async () => {
    const setup = await run(process.execPath, [BIN, 'autocomplete', 'bash'])
    assert.equal(setup.code, 0, setup.stderr)
    assert.match(setup.stdout, /printf "\$\(discode autocomplete script bash\)" >> ~\/\.bashrc/)
    const functions = join(home, 'cache', 'discode', 'autocomplete', 'functions', 'bash', 'discode.bash')
    const complete = async (...words: string[]) => {
      const script = `source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; _discode_autocomplete; echo "\${COMPREPLY[*]}"`
      return (await run('bash', ['-c', script, functions, 'discode', ...words])).stdout.trim()
    }
    assert.equal(await complete('stat'), 'status')
    assert.equal(await complete('status', '--off'), '--offline')
    assert.equal(await complete('rollb'), 'rollback')
  })

  it('a mistyped command: a warning naming it, the hint, exit 127 (no prompt without a terminal)', async () => {
    const {code, stdout, stderr} = await run(process.execPath, [BIN, 'statu'])
    assert.equal(code, 127)
    assert.equal(stdout, '')
    assert.match(strip(stderr), /Warning: statu is not a discode command\./)
    assert.match(strip(stderr), /Error: Run discode help for a list of available commands\./)
    assert.doesNotMatch(strip(stderr), /Did you mean/)
  })

  it('at a terminal it asks "Did you mean status?"; answering no runs nothing', async () => {
    // util-linux's script(1) gives the CLI a pseudo-terminal.
    const {code, stdout} = await run('script', ['-qec', `${process.execPath} ${BIN} statu`, '/dev/null'], 'n\n')
    const text = strip(stdout)
    assert.match(text, /Did you mean status\?/)
    assert.match(text, /Run discode help for a list of available commands/)
    assert.equal(code, 127)
  })
})
