/**
 * @discode/types declares `RecipeFile` (recipe.yml as vendors write it) by hand, without zod: this
 * file fails the type check (`npm run typecheck`) as soon as it and the schema disagree on a key.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import type {z} from 'zod'

import type {RecipeFile} from '../../packages/discode-types/index.js'
import {RecipeSchema} from './schema.js'

type SchemaInput = z.input<typeof RecipeSchema>
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false

// Key by key, so that a mismatch names the key in the compiler's message.
type Mismatches = {
  [K in keyof SchemaInput | keyof RecipeFile]: K extends keyof SchemaInput & keyof RecipeFile
    ? Same<Required<SchemaInput>[K], Required<RecipeFile>[K]> extends true
      ? never
      : K
    : K
}[keyof SchemaInput | keyof RecipeFile]

const agreed: [Mismatches] extends [never] ? true : Mismatches = true

describe('RecipeFile of @discode/types', () => {
  it('agrees with the recipe schema (checked by the compiler), and a RecipeFile parses', () => {
    assert.equal(agreed, true)
    const recipe: RecipeFile = {
      name: 'shop',
      image: 'registry.example.com/shop',
      feed: 'https://releases.example.com/shop/feed.json',
      inputs: [{name: 'password', pattern: '^.{8,}$', patternMessage: 'must be at least 8 characters', secret: true}],
    }
    assert.equal(RecipeSchema.safeParse(recipe).success, true)
  })
})

describe('recipe checks vendors asked for', () => {
  const base = {name: 'shop', image: 'registry.example.com/shop', feed: 'https://releases.example.com/feed.json'}
  const problems = (extra: object) => {
    const result = RecipeSchema.safeParse({...base, ...extra})
    return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
  }

  it('refuses a feedKey that is not an ed25519 public key', () => {
    assert.match(problems({feedKey: 'not-a-key'}).join('\n'), /^feedKey: "not-a-key" is not an ed25519 public key/)
    assert.deepEqual(problems({feedKey: 'MCowBQYDK2VwAyEA'}).length, 1)
    assert.deepEqual(problems({feedKey: 'O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik='}), [])
  })

  it('takes a patternMessage only with a pattern', () => {
    assert.deepEqual(problems({inputs: [{name: 'pw', pattern: '^.{8,}$', patternMessage: 'at least 8 characters'}]}), [])
    assert.match(
      problems({inputs: [{name: 'pw', patternMessage: 'at least 8 characters'}]}).join('\n'),
      /inputs\.0\.patternMessage: needs a pattern/,
    )
  })

  it('takes tasks as a string or a list, never with a template (a secret would be in the command)', () => {
    assert.deepEqual(problems({tasks: {console: 'bin/rails console', admin: ['bin/rails', 'admin:create']}}), [])
    assert.match(problems({tasks: {leak: 'psql {{secrets.db_password}}'}}).join('\n'), /tasks\.leak: must not hold a template/)
    assert.match(problems({tasks: {Bad: 'x'}}).join('\n'), /^tasks\.Bad: /)
  })

  it('takes stop fields alone (the image decides the rest) and migrations: expand-only', () => {
    assert.deepEqual(problems({stop: {timeout: '30s'}, migrations: 'expand-only'}), [])
    assert.equal(RecipeSchema.parse(base).stop, undefined, "no default: the image's STOPSIGNAL applies")
    assert.equal(problems({migrations: 'sometimes'}).length, 1)
  })
})
