import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {RecipeSchema} from '../recipes/schema.js'
import {ensureGeneratedSecrets, resolveInputs, splitSecretInputs, warnSecretsInArguments} from './inputs.js'

const recipe = RecipeSchema.parse({
  name: 'shop',
  image: 'registry.test/acme/shop',
  feed: 'https://releases.test/shop.json',
  inputs: [
    {name: 'hostname', required: true, pattern: '^[a-z0-9.-]+$', default: '{{app.name}}.localhost'},
    {name: 'license_key', required: true, secret: true},
    {name: 'motto'},
  ],
  secrets: {db_password: {generate: 'alphanumeric', length: 24}},
})

describe('recipe inputs', () => {
  it('takes --set values first, then kept ones, then (rendered) defaults', async () => {
    const values = await resolveInputs(recipe, {license_key: 'k-1'}, {motto: 'kept'}, 'myshop')
    assert.deepEqual(values, {hostname: 'myshop.localhost', license_key: 'k-1', motto: 'kept'})
  })

  it('names every missing required input, with a hint to pass them', async () => {
    await assert.rejects(resolveInputs(recipe, {}, {}, 'myshop'), (error: Error & {hint?: string}) => {
      assert.equal(error.message, 'Missing required input(s): license_key')
      // A secret input is asked for from a file: --set would show it in the process list.
      assert.match(error.hint!, /--set-file license_key=PATH/)
      return true
    })
  })

  it("shows the recipe's patternMessage instead of the regular expression", async () => {
    const strict = RecipeSchema.parse({
      ...recipe,
      inputs: [{name: 'password', pattern: '^.{8,}$', patternMessage: 'must be at least 8 characters'}],
    })
    await assert.rejects(resolveInputs(strict, {password: 'short'}, {}, 'myshop'), {
      message: 'Input password must be at least 8 characters',
    })
  })

  it('asks the prompt for what is missing when there is one', async () => {
    const asked: string[] = []
    const values = await resolveInputs(recipe, {}, {}, 'myshop', async (input) => {
      asked.push(input.name)
      return input.name === 'license_key' ? 'typed' : ''
    })
    assert.deepEqual(asked, ['hostname', 'license_key', 'motto'])
    assert.equal(values.license_key, 'typed')
  })

  it('refuses unknown inputs and values that break the pattern', async () => {
    await assert.rejects(resolveInputs(recipe, {hostnme: 'x'}, {}, 'a'), /Unknown input\(s\) for recipe shop: hostnme/)
    await assert.rejects(resolveInputs(recipe, {hostname: 'Bad Host', license_key: 'k'}, {}, 'a'), /Input hostname does not match/)
  })

  it('keeps secret inputs apart and never regenerates a secret', () => {
    const {plain, secret} = splitSecretInputs(recipe, {hostname: 'h', license_key: 'k'})
    assert.deepEqual(plain, {hostname: 'h'})
    assert.deepEqual(secret, {license_key: 'k'})
    const first = ensureGeneratedSecrets(recipe, {generated: {}, inputs: {}})
    assert.match(first.generated.db_password, /^[A-Za-z0-9]{24}$/)
    assert.deepEqual(ensureGeneratedSecrets(recipe, first), first)
  })
})

describe('secret inputs in process arguments', () => {
  it('warns for a secret input given with --set, and only for it', () => {
    const warnings: string[] = []
    const reporter = {stepStarted() {}, stepFinished() {}, pullProgress() {}, info() {}, warn: (message: string) => warnings.push(message)}
    warnSecretsInArguments(reporter, recipe, ['hostname', 'license_key'])
    assert.equal(warnings.length, 1)
    assert.match(warnings[0], /^license_key is a secret input: given with --set, .*--set-file license_key=PATH/)
    warnSecretsInArguments(reporter, recipe, ['hostname', 'motto'])
    warnSecretsInArguments(reporter, recipe, undefined)
    assert.equal(warnings.length, 1)
  })
})
