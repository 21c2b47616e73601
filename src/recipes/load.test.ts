import assert from 'node:assert/strict'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'
import {DiscodeError} from '../errors.js'
import {parseDuration} from './duration.js'
import {parseRecipeFile, RecipeError, validateRecipeDir, type RawRecipe, type RecipeContext} from './load.js'
import {renderFeed, renderInputs, renderRecipe} from './render.js'
import {listRecipes, resolveRecipe} from './resolve.js'

const tmp = mkdtempSync(join(tmpdir(), 'discode-recipes-'))
after(() => rmSync(tmp, {recursive: true, force: true}))

let counter = 0
/** Writes `yaml` as `<root>/<dir>/recipe.yml` and returns the directory. */
function writeRecipe(yaml: string, root = tmp, dir = `r${++counter}`): string {
  const path = join(root, dir)
  mkdirSync(path, {recursive: true})
  writeFileSync(join(path, 'recipe.yml'), yaml)
  return path
}

const MINIMAL = 'name: demo\nimage: registry.example.com/acme/demo\nfeed: https://releases.example.com/demo/feed.json\n'

const FULL = `
name: demo
title: Demo app
image: registry.example.com/acme/demo
feed: https://releases.example.com/{{app.name}}/feed.json
inputs:
  - name: hostname
    description: Public hostname for {{app.name}}
    required: true
    pattern: '^[a-z0-9.-]+$'
    default: "{{app.name}}.localhost"
  - name: motto
  - name: smtp_password
    secret: true
secrets:
  secret_key_base: { generate: hex, length: 64 }
env:
  APP_HOST: "{{inputs.hostname}}"
  MOTTO: "{{inputs.motto}}"
  SECRET_KEY_BASE: "{{secrets.secret_key_base}}"
  DB_URL: "postgres://{{accessories.db.host}}:{{accessories.db.port}}/demo"
  VERSION: "{{release.version}}"
proxy:
  host: "{{inputs.hostname}}"
accessories:
  db:
    image: registry.example.com/acme/demo-db:16
    port: 5432
    health: { cmd: ["pg_isready"] }
hooks:
  preSwitch:
    - name: migrate
      run: ["bin/migrate", "--app={{app.name}}"]
`

function context(inputs: Record<string, string> = {}): RecipeContext {
  return {
    app: {name: 'blog'},
    inputs: {hostname: 'blog.example.com', motto: 'hi', smtp_password: 'hunter22', ...inputs},
    secrets: {secret_key_base: 'f00dfeedf00dfeed'},
    release: {version: '1.2.3', image: 'registry.example.com/acme/demo:1.2.3'},
    accessories: {db: {host: 'blog-db', port: 5432}},
  }
}

/** The RecipeError parseRecipeFile throws for `yaml`. */
function recipeError(yaml: string): RecipeError {
  const dir = writeRecipe(yaml)
  try {
    parseRecipeFile(join(dir, 'recipe.yml'))
  } catch (error) {
    assert.ok(error instanceof RecipeError, `expected a RecipeError, got ${error}`)
    assert.ok(!error.message.includes('\n'), `one line: ${error.message}`)
    return error
  }
  assert.fail('parseRecipeFile should have failed')
}

function renderError(raw: RawRecipe, ctx: RecipeContext): RecipeError {
  try {
    renderRecipe(raw, ctx)
  } catch (error) {
    assert.ok(error instanceof RecipeError, `expected a RecipeError, got ${error}`)
    return error
  }
  assert.fail('renderRecipe should have failed')
}

describe('parseRecipeFile', () => {
  it('applies the defaults', () => {
    const raw = parseRecipeFile(join(writeRecipe(MINIMAL), 'recipe.yml'))
    assert.deepEqual(raw, {
      name: 'demo',
      image: 'registry.example.com/acme/demo',
      feed: 'https://releases.example.com/demo/feed.json',
      port: 80,
      health: {path: '/up', interval: '1s', timeout: '5s', deployTimeout: '30s'},
      inputs: [],
      secrets: {},
      env: {},
      volumes: [],
      proxy: {tls: 'off'},
      accessories: {},
      init: false,
      strategy: 'bluegreen',
      pause: {maxPause: '30s'},
      backup: {consistency: 'live'},
      hooks: {preSwitch: [], postSwitch: [], preRollback: []},
      tasks: {},
      processes: {},
    })
    const full = parseRecipeFile(join(writeRecipe(FULL), 'recipe.yml'))
    assert.deepEqual(full.inputs[1], {name: 'motto', required: false, secret: false})
    assert.deepEqual(full.accessories.db.env, {})
  })

  it('processes: defaults applied; a singleton with replicas, the name web and a template in a command refused', () => {
    const raw = parseRecipeFile(join(writeRecipe(`${MINIMAL}processes:\n  worker: {command: bin/jobs}\n`), 'recipe.yml'))
    assert.deepEqual(raw.processes.worker, {
      command: 'bin/jobs',
      replicas: 1,
      singleton: false,
      env: {},
      health: {timeout: '60s', settle: '3s'},
    })
    assert.match(
      recipeError(`${MINIMAL}processes:\n  clock: {command: bin/clock, singleton: true, replicas: 2}\n`).message,
      /processes\.clock\.replicas: must be 1 for a singleton/,
    )
    assert.match(recipeError(`${MINIMAL}processes:\n  web: {command: bin/web}\n`).message, /not a valid process name/)
    assert.match(recipeError(`${MINIMAL}processes:\n  worker: {command: 'bin/jobs {{secrets.key}}'}\n`).message, /must not hold a template/)
  })

  it('names the file, the key path and the reason on one line, with a hint', () => {
    const error = recipeError(`${MINIMAL}health:\n  interval: fast\n`)
    assert.match(error.message, /^.*recipe\.yml: health\.interval: "fast" is not a duration \(e\.g\. 1s, 500ms, 1m30s\)$/)
    assert.match(error.hint ?? '', /^Run "discode recipes validate .*" to see every problem$/)
    assert.equal(error.code, 'RECIPE_INVALID')
    assert.ok(error instanceof DiscodeError)
  })

  const schemaErrors: [string, string, RegExp][] = [
    ['missing key', 'name: demo\nimage: x\n', /: feed: is required$/],
    ['bad name', MINIMAL.replace('name: demo', 'name: Demo_App'), /: name: "Demo_App" is not a valid recipe name/],
    ['port out of range', `${MINIMAL}port: 70000\n`, /: port: 70000 must be at most 65535$/],
    ['port not an integer', `${MINIMAL}port: 80.5\n`, /: port: expected an integer, got 80\.5$/],
    ['wrong type', `${MINIMAL}env: [a]\n`, /: env: expected a mapping, got a list$/],
    ['unquoted number', `${MINIMAL}env:\n  PORT: 3000\n`, /: env\.PORT: expected a string, got 3000 \(quote it: "3000"\)$/],
    ['bad env name', `${MINIMAL}env:\n  bad-name: x\n`, /: env\.bad-name: "bad-name" is not a valid environment variable name$/],
    [
      'bad enum',
      `${MINIMAL}strategy: blue-green\n`,
      /: strategy: "blue-green" is not one of bluegreen, pause \(did you mean "bluegreen"\?\)$/,
    ],
    ['relative volume path', `${MINIMAL}volumes:\n  - {name: data, path: data}\n`, /: volumes\[0\]\.path: "data" is not an absolute path/],
    [
      'empty hook command',
      `${MINIMAL}hooks:\n  preSwitch:\n    - {name: migrate, run: []}\n`,
      /: hooks\.preSwitch\[0\]\.run: must have at least 1 item$/,
    ],
    [
      'bad input pattern',
      `${MINIMAL}inputs:\n  - {name: host, pattern: "("}\n`,
      /: inputs\[0\]\.pattern: "\(" is not a valid regular expression$/,
    ],
    [
      'default breaking the pattern',
      `${MINIMAL}inputs:\n  - {name: host, pattern: "^[a-z]+$", default: "A1"}\n`,
      /: inputs\[0\]\.default: does not match the input's pattern$/,
    ],
    ['short secret', `${MINIMAL}secrets:\n  key: {generate: hex, length: 8}\n`, /: secrets\.key\.length: 8 must be at least 16$/],
    ['bad hostname', `${MINIMAL}proxy:\n  host: "not a host"\n`, /: proxy\.host: "not a host" is not a hostname/],
    ['tls without host', `${MINIMAL}proxy:\n  tls: true\n`, /: proxy\.tls: needs proxy\.host or proxy\.hosts/],
    [
      'feed not a URL',
      MINIMAL.replace('https://releases.example.com/demo/feed.json', 'ftp://x/feed.json'),
      /: feed: "ftp:\/\/x\/feed\.json" is not an http\(s\) URL$/,
    ],
    [
      'accessory health with both',
      `${MINIMAL}accessories:\n  db: {image: x, port: 1, health: {cmd: [a], path: /b}}\n`,
      /: accessories\.db\.health: set either cmd or path$/,
    ],
    [
      'accessory http health without port',
      `${MINIMAL}accessories:\n  db: {image: x, health: {path: /up}}\n`,
      /: accessories\.db\.port: is required when health\.path is set/,
    ],
  ]
  for (const [what, yaml, expected] of schemaErrors) {
    it(`reports ${what} with its key path`, () => assert.match(recipeError(yaml).message, expected))
  }

  it('suggests the closest known key for an unknown key, at any depth', () => {
    assert.match(recipeError(`${MINIMAL}helth:\n  path: /up\n`).message, /: helth: unknown key \(did you mean "health"\?\)$/)
    assert.match(
      recipeError(`${MINIMAL}health:\n  intervall: 1s\n`).message,
      /: health\.intervall: unknown key \(did you mean "interval"\?\)$/,
    )
    assert.match(
      recipeError(`${MINIMAL}hooks:\n  preSwitch:\n    - {name: m, rnu: [x]}\n`).message,
      /: hooks\.preSwitch\[0\]\.rnu: unknown key \(did you mean "run"\?\)/,
    )
    assert.match(recipeError(`${MINIMAL}colour: blue\n`).message, /: colour: unknown key$/)
  })

  it('reports a YAML syntax error with its line and column', () => {
    const error = recipeError('name: demo\nimage: [a, b\nfeed: x\n')
    assert.match(error.message, /recipe\.yml:3:1: Flow sequence in block collection must be sufficiently indented and end with a \]/)
    assert.match(recipeError('name: demo\nname: again\n').message, /recipe\.yml:2:1: Map keys must be unique/)
  })

  it('reports a template syntax error at validation time', () => {
    const error = recipeError(`${MINIMAL}env:\n  APP_HOST: "{{inputs.hostname"\n`)
    assert.match(error.message, /: env\.APP_HOST: is not a valid template: unexpected .* near "\{\{inputs\.hostname" \(line 1\)$/)
    assert.match(recipeError(`${MINIMAL}env:\n  X: "{{#if a}}b"\n`).message, /: env\.X: is not a valid template: unexpected end/)
    assert.match(recipeError(`${MINIMAL}env:\n  X: "{{> partial}}"\n`).message, /: env\.X: partials are not supported/)
  })

  it('reports a variable that the context will not have, with a suggestion', () => {
    const yaml = `${MINIMAL}inputs:\n  - name: hostname\nenv:\n  APP_HOST: "{{inputs.hostnme}}"\n`
    assert.match(recipeError(yaml).message, /: env\.APP_HOST: unknown variable "inputs\.hostnme" \(did you mean "inputs\.hostname"\?\)$/)
    assert.match(recipeError(`${MINIMAL}env:\n  X: "{{constructor.name}}"\n`).message, /: env\.X: unknown variable "constructor\.name"$/)
  })

  it('refuses variables that are not known yet where they are rendered', () => {
    const feed = recipeError(MINIMAL.replace('demo/feed.json', '{{release.version}}/feed.json'))
    assert.match(feed.message, /: feed: "release\.version" cannot be used here: the feed is read before a release is chosen$/)
    const input = recipeError(`${MINIMAL}inputs:\n  - {name: a}\n  - {name: b, default: "{{inputs.a}}"}\n`)
    assert.match(input.message, /: inputs\[1\]\.default: "inputs\.a" cannot be used here/)
  })
})

describe('validateRecipeDir', () => {
  it('collects every problem, with line and column', () => {
    const dir = writeRecipe('name: Demo\nimage: x\nfeed: https://x/f.json\nport: 0\nhelth: {}\nenv:\n  A: "{{oops"\n')
    const {ok, errors} = validateRecipeDir(dir)
    assert.equal(ok, false)
    assert.deepEqual(
      errors.map(({path, line}) => ({path, line})),
      [
        {path: 'name', line: 1},
        {path: 'port', line: 4},
        {path: 'helth', line: 5},
        {path: 'env.A', line: 7},
      ],
    )
    assert.ok(errors.every((error) => error.file === join(dir, 'recipe.yml')))
  })

  it('accepts a good recipe, given its directory or its file', () => {
    const dir = writeRecipe(FULL)
    assert.deepEqual(pick(validateRecipeDir(dir)), {ok: true, errors: []})
    assert.deepEqual(pick(validateRecipeDir(join(dir, 'recipe.yml'))), {ok: true, errors: []})
  })

  it('reports a missing recipe.yml', () => {
    const {ok, errors} = validateRecipeDir(join(tmp, 'nowhere'))
    assert.equal(ok, false)
    assert.equal(errors[0].message, 'no such file')
  })
})

describe('renderRecipe', () => {
  const raw = parseRecipeFile(join(writeRecipe(FULL), 'recipe.yml'))

  it('renders every string value with the context', () => {
    const recipe = renderRecipe(raw, context())
    assert.equal(recipe.feed, 'https://releases.example.com/blog/feed.json')
    assert.equal(recipe.inputs[0].default, 'blog.localhost')
    assert.deepEqual(recipe.env, {
      APP_HOST: 'blog.example.com',
      MOTTO: 'hi',
      SECRET_KEY_BASE: 'f00dfeedf00dfeed',
      DB_URL: 'postgres://blog-db:5432/demo',
      VERSION: '1.2.3',
    })
    assert.equal(recipe.proxy.host, 'blog.example.com')
    assert.deepEqual(recipe.hooks.preSwitch[0].run, ['bin/migrate', '--app=blog'])
    assert.deepEqual(raw.env.APP_HOST, '{{inputs.hostname}}', 'the raw recipe is left as it was')
  })

  it('inserts user values as data: template syntax, newlines and YAML stay text', () => {
    const motto = '{{secrets.secret_key_base}}\nkey: value\n- item\n"quoted": {a: 1}'
    const recipe = renderRecipe(raw, context({motto}))
    assert.equal(recipe.env.MOTTO, motto, 'not rendered again, not escaped')
    assert.deepEqual(Object.keys(recipe.env), Object.keys(raw.env), 'the structure is unchanged')
    assert.equal(recipe.env.SECRET_KEY_BASE, 'f00dfeedf00dfeed')
  })

  it('does not reach prototype properties', () => {
    // The validator refuses such a recipe; render one built by hand to test the runtime itself.
    const crafted = {...raw, env: {A: '{{constructor.name}}', B: '{{inputs.constructor}}', C: '{{lookup app "constructor"}}'}}
    let rendered: Record<string, string> | undefined
    try {
      rendered = renderRecipe(crafted, context()).env
    } catch (error) {
      assert.ok(error instanceof RecipeError)
      assert.match(error.message, /env\.A: unknown variable "constructor\.name"/)
    }
    for (const source of ['{{inputs.constructor}}', '{{lookup app "constructor"}}']) {
      const env = renderRecipe({...raw, env: {X: source}}, context()).env
      assert.equal(env.X, '', `${source} renders nothing`)
    }
    assert.equal(rendered, undefined, '{{constructor.name}} fails')
  })

  it('names the key path and the variable a strict render misses', () => {
    const error = renderError({...raw, env: {X: 'a {{inputs.nope}}'}}, context())
    assert.equal(error.message, 'recipe demo: env.X: unknown variable "inputs.nope"')
    const missingInput = {...context(), inputs: {hostname: 'blog.example.com', smtp_password: 'x'}}
    assert.equal(renderError(raw, missingInput).message, 'recipe demo: env.MOTTO: no value for input "motto"')
  })

  it('checks formats again once rendered, without showing secrets', () => {
    assert.match(renderError(raw, context({hostname: 'not a host'})).message, /^recipe demo: proxy\.host: "not a host" is not a hostname/)
    const leaky = {...raw, proxy: {host: 'x y{{inputs.smtp_password}}', tls: 'off' as const}}
    const error = renderError(leaky, context())
    assert.ok(!error.message.includes('hunter22'), error.message)
    assert.match(error.message, /"x y\[secret\]" is not a hostname/)
  })

  it('treats an empty rendered host as a catch-all route', () => {
    assert.equal(renderRecipe(raw, context({hostname: ''})).proxy.host, undefined)
  })

  it('renders the inputs and the feed before the rest of the context exists', () => {
    assert.equal(renderInputs(raw, {app: {name: 'blog'}})[0].default, 'blog.localhost')
    assert.deepEqual(renderFeed(raw, {app: {name: 'blog'}, inputs: {}, secrets: {}}), {
      url: 'https://releases.example.com/blog/feed.json',
      key: undefined,
      image: 'registry.example.com/acme/demo',
    })
  })
})

describe('listRecipes and resolveRecipe', () => {
  const builtin = join(tmp, 'builtin')
  const plugin = join(tmp, 'plugin')
  writeRecipe(MINIMAL, builtin, 'demo')
  writeRecipe(MINIMAL.replace('name: demo', 'name: blog\ntitle: Blog'), builtin, 'blog')
  writeRecipe('name: broken\n', builtin, 'broken')
  writeRecipe(MINIMAL, plugin, 'demo')
  const roots = [
    {source: 'builtin', dir: builtin},
    {source: '@acme/discode-demo', dir: plugin},
    {source: 'missing', dir: join(tmp, 'no-such-dir')},
  ]

  it('lists every recipe, qualifying names found in several sources and flagging broken ones', () => {
    const list = listRecipes(roots)
    assert.deepEqual(
      list.map(({ref, title, source, error}) => ({ref, title, source, broken: error !== undefined})),
      [
        {ref: 'blog', title: 'Blog', source: 'builtin', broken: false},
        {ref: 'broken', title: undefined, source: 'builtin', broken: true},
        {ref: '@acme/discode-demo:demo', title: undefined, source: '@acme/discode-demo', broken: false},
        {ref: 'builtin:demo', title: undefined, source: 'builtin', broken: false},
      ],
    )
    assert.match(list[1].error ?? '', /broken\/recipe\.yml: image: is required/)
  })

  it('resolves a unique name', () => {
    const resolved = resolveRecipe('blog', roots)
    assert.equal(resolved.source, 'builtin')
    assert.equal(resolved.ref, 'builtin:blog')
    assert.equal(resolved.dir, join(builtin, 'blog'))
    assert.equal(resolved.raw.title, 'Blog')
  })

  it('refuses an ambiguous name and lists the qualified refs', () => {
    assert.throws(
      () => resolveRecipe('demo', roots),
      (error: DiscodeError) => {
        assert.equal(error.message, 'recipe "demo" is provided by several sources: builtin:demo, @acme/discode-demo:demo')
        assert.equal(error.code, 'RECIPE_AMBIGUOUS')
        assert.match(error.hint ?? '', /--recipe builtin:demo/)
        return true
      },
    )
  })

  it('resolves qualified refs', () => {
    assert.equal(resolveRecipe('builtin:demo', roots).dir, join(builtin, 'demo'))
    assert.equal(resolveRecipe('@acme/discode-demo:demo', roots).dir, join(plugin, 'demo'))
  })

  it('resolves a path to a recipe directory', () => {
    const resolved = resolveRecipe(join(plugin, 'demo'), [])
    assert.equal(resolved.source, 'path')
    assert.equal(resolved.raw.name, 'demo')
    assert.throws(() => resolveRecipe('./no/such/recipe', []), /no recipe\.yml in/)
  })

  it('says how to find recipes when the ref is unknown', () => {
    assert.throws(
      () => resolveRecipe('blgo', roots),
      (error: DiscodeError) => {
        assert.equal(error.message, 'no recipe "blgo" (did you mean "blog"?)')
        assert.match(error.hint ?? '', /discode recipes list/)
        return true
      },
    )
    assert.throws(() => resolveRecipe('@other/pkg:demo', roots), /no recipe "@other\/pkg:demo"/)
  })

  it('throws the recipe error of a broken recipe it resolves to', () => {
    assert.throws(() => resolveRecipe('broken', roots), RecipeError)
  })
})

describe('parseDuration', () => {
  it('reads Go durations', () => {
    assert.equal(parseDuration('500ms'), 500)
    assert.equal(parseDuration('1m30s'), 90_000)
    assert.equal(parseDuration('1.5h'), 5_400_000)
    assert.equal(parseDuration('0'), 0)
    for (const bad of ['', '5', 'fast', '1 s', 's', '-1s']) assert.equal(parseDuration(bad), undefined, bad)
  })
})

/** What a validation reports, without the parsed recipe it also returns. */
function pick({ok, errors}: {ok: boolean; errors: unknown[]}) {
  return {ok, errors}
}
