import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'

import {inputValues, progressReporter} from './base-command.js'
import {DiscodeError} from './errors.js'

const dir = mkdtempSync(join(tmpdir(), 'discode-inputs-'))
after(() => rmSync(dir, {recursive: true, force: true}))

describe('inputValues (--set and --set-file)', () => {
  it('takes KEY=VALUE (an = in the value too) and names them as given in the process arguments', () => {
    assert.deepEqual(inputValues(['hostname=shop.example.com', 'motto=a=b'], undefined), {
      values: {hostname: 'shop.example.com', motto: 'a=b'},
      inArguments: ['hostname', 'motto'],
    })
  })

  it('reads a --set-file value from its file, without the final newline, and keeps it out of inArguments', () => {
    const file = join(dir, 'license.txt')
    writeFileSync(file, 'LK-0123abcd\n', {mode: 0o600})
    assert.deepEqual(inputValues(['hostname=shop.example.com'], [`license_key=${file}`]), {
      values: {hostname: 'shop.example.com', license_key: 'LK-0123abcd'},
      inArguments: ['hostname'],
    })
    writeFileSync(file, 'two\nlines\n\n')
    assert.equal(inputValues(undefined, [`motto=${file}`]).values.motto, 'two\nlines\n', 'only one final newline is dropped')
  })

  it('reads KEY=- from standard input, for one key only', () => {
    const stdin = () => 'LK-from-a-pipe\n'
    assert.deepEqual(inputValues(undefined, ['license_key=-'], stdin), {values: {license_key: 'LK-from-a-pipe'}, inArguments: []})
    assert.throws(
      () => inputValues(undefined, ['license_key=-', 'api_token=-'], stdin),
      (error: DiscodeError) =>
        error.code === 'BAD_FLAG' &&
        /standard input for one key, not 2 \(license_key, api_token\)/.test(error.message) &&
        Boolean(error.hint),
    )
    assert.throws(
      () =>
        inputValues(undefined, ['license_key=-'], () => {
          throw Object.assign(new Error('closed'), {code: 'EAGAIN'})
        }),
      (error: DiscodeError) => /Cannot read the file of --set-file license_key: standard input \(EAGAIN\)/.test(error.message),
    )
  })

  it('refuses a pair without KEY= and a file it cannot read, with a hint', () => {
    assert.throws(
      () => inputValues(['hostname'], undefined),
      (error: DiscodeError) => error.code === 'BAD_FLAG' && /--set hostname is not KEY=VALUE/.test(error.message),
    )
    assert.throws(
      () => inputValues(undefined, [`license_key=${join(dir, 'missing.txt')}`]),
      (error: DiscodeError) =>
        error.code === 'BAD_FLAG' &&
        /Cannot read the file of --set-file license_key: .*missing\.txt \(ENOENT\)/.test(error.message) &&
        Boolean(error.hint),
    )
  })
})

describe('progress on the terminal', () => {
  it('sets the status of an animated spinner only: a plain (non-TTY) action would print the step again', () => {
    const plain: {type: string; status?: string} = {type: 'simple'}
    progressReporter(plain).transferProgress!('app-data', 3_000_000)
    assert.equal(plain.status, undefined)
    const spinner: {type: string; status?: string} = {type: 'spinner'}
    progressReporter(spinner).transferProgress!('app-data', 3_000_000)
    assert.match(spinner.status ?? '', /^app-data: 3(\.0)? MB$/)
  })
})
