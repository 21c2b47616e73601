/**
 * The files of a new vendor plugin (`discode recipes init`), as text: a package, one recipe, a typed
 * hook with its unit test, a README, a signing key pair and a signed (empty) feed. `recipes validate`
 * accepts the recipe as written, and the hook test runs with only typescript and @types/node from the
 * npm registry: @discode/types is the local package `types/`, copied from the installed discode.
 */
export interface ScaffoldNames {
  /** The npm package name, e.g. `@acme/discode-shop`. */
  pkg: string
  /** The recipe's name, e.g. `shop`. */
  recipe: string
}

/** What the vendor may give at init instead of editing the recipe afterwards. */
export interface ScaffoldRecipeOptions {
  /** The image repository, e.g. `registry.example.com/acme/shop`. */
  image?: string
  /** The feed's URL. */
  feed?: string
  /** The feed's public key (the line of keys/feed.pub). */
  feedKey?: string
}

/** @discode/types comes from the plugin's own `types/` directory, never from a registry. */
const TYPES_SPEC = 'file:./types'

export function packageJson({pkg, recipe}: ScaffoldNames): string {
  const json = {
    name: pkg,
    version: '0.1.0',
    description: `discode recipe for ${recipe}`,
    type: 'module',
    license: 'UNLICENSED',
    keywords: ['discode', 'discode-plugin', 'oclif-plugin'],
    engines: {node: '>=20'},
    files: ['dist', 'recipes', 'README.md'],
    discode: {apiVersion: 1, recipes: './recipes'},
    oclif: {
      hooks: {
        'discode:pre-switch': './dist/hooks/pre-switch.js',
      },
    },
    scripts: {
      build: 'tsc',
      test: 'tsc -p tsconfig.test.json && node --test .test-build/test/',
      prepack: 'rm -rf dist && npm run build',
    },
    ...(pkg.startsWith('@') ? {publishConfig: {access: 'public'}} : {}),
    devDependencies: {'@discode/types': TYPES_SPEC, '@types/node': '^20.19.0', typescript: '^5.9.3'},
  }
  return `${JSON.stringify(json, null, 2)}\n`
}

export const TSCONFIG = `{
  "compilerOptions": {
    "target": "ES2022",
    "module": "Node16",
    "moduleResolution": "Node16",
    "strict": true,
    "rootDir": "src",
    "outDir": "dist",
    "skipLibCheck": true,
    "verbatimModuleSyntax": true,
    "types": []
  },
  "include": ["src"]
}
`

export const TSCONFIG_TEST = `{
  "extends": "./tsconfig.json",
  "compilerOptions": {"rootDir": ".", "outDir": ".test-build", "types": ["node"]},
  "include": ["src", "test"]
}
`

export const GITIGNORE = `node_modules/
dist/
.test-build/
# The feed's private key: keep it out of version control and out of the package.
keys/feed.key
`

/** A YAML scalar for a value the vendor gave: plain when safe, else a JSON string (valid YAML). */
function scalar(value: string): string {
  return /^[\w.:/@-]+$/.test(value) ? value : JSON.stringify(value)
}

export function recipeYml({recipe}: ScaffoldNames, options: ScaffoldRecipeOptions = {}): string {
  const image = scalar(options.image ?? `registry.example.com/${recipe}`)
  const feed = scalar(options.feed ?? `https://releases.example.com/${recipe}/feed.json`)
  const feedKey = options.feedKey
    ? `feedKey: ${options.feedKey} # keys/feed.pub: discode refuses a feed not signed with keys/feed.key`
    : '# feedKey: the line of feed.pub from `discode feed keygen --out keys`; the feed must then be signed.'
  return `# The recipe discode installs your app from. Every key: the vendor's guide (docs/vendors.md).
# Check it with: discode recipes validate recipes/${recipe}
name: ${recipe} # the id customers install: discode install APP --recipe ${recipe}
title: ${recipe} # shown by discode recipes list
# The image repository; the feed names the digest of each release (discode feed add).
image: ${image}
port: 80 # the container port the proxy sends traffic to
health:
  path: /up # must answer 2xx before traffic switches to a new release
  interval: 1s
  timeout: 5s
  deployTimeout: 30s # how long a new release may take to become healthy
# Your release feed (feed.json and feed.json.sig, published side by side): discode feed add, then feed sign.
feed: ${feed}
${feedKey}
inputs:
  - name: hostname
    description: Host name the app answers on
    required: true
    default: "{{app.name}}.localhost"
    pattern: '^[a-z0-9.-]+$'
    patternMessage: must be a host name (lowercase letters, digits, dots and hyphens)
secrets:
  secret_key_base: { generate: hex, length: 64 } # generated once at install, never printed
env:
  APP_HOST: "{{inputs.hostname}}"
  SECRET_KEY_BASE: "{{secrets.secret_key_base}}"
volumes:
  - { name: data, path: /www/data } # kept across updates and by uninstall (not by uninstall --purge)
proxy:
  host: "{{inputs.hostname}}"
# bluegreen runs the new release beside the old one; pause holds requests while a single instance is swapped.
strategy: bluegreen
`
}

export const PRE_SWITCH_HOOK = `/**
 * discode:pre-switch: runs on \`discode update\` while the old release still serves; throwing stops the
 * update and the old release keeps serving. Replace the command with your migration.
 */
import type {DiscodeHook} from '@discode/types'

const hook: DiscodeHook<'discode:pre-switch'> = async function (context) {
  const from = context.previous?.version ?? 'nothing'
  context.log(\`migrating \${context.app} (\${context.inputs.hostname}) from \${from} to \${context.release.version}\`)
  // An argument vector run in a one-off container of the new image: values are arguments, never shell code.
  const result = await context.run(['/bin/sh', '-c', 'echo "migrated from $1 to $2"', 'migrate', from, context.release.version], {
    timeoutMs: 5 * 60_000,
  })
  if (result.exitCode !== 0) throw new Error(\`the migration exited with \${result.exitCode}: \${result.output.trim().split('\\n').at(-1)}\`)
}

export default hook
`

export const HOOK_TEST = `/** The pre-switch hook against a fake discode context: no Docker, no discode. Run with \`npm test\`. */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import type {DiscodeHookContext} from '@discode/types'

import preSwitch from '../src/hooks/pre-switch.js'

/** A context like discode's; \`run\` answers with \`exitCode\` and records the commands. */
function fakeContext(exitCode: number) {
  const runs: string[][] = []
  const logged: string[] = []
  const context: DiscodeHookContext = {
    app: 'shop',
    recipe: {name: 'shop', source: 'my-plugin'},
    release: {version: '1.1.0', image: 'registry.example.com/shop:1.1.0', container: 'shop-b'},
    previous: {version: '1.0.0', image: 'registry.example.com/shop:1.0.0', container: 'shop-a'},
    container: 'shop-b',
    inputs: {hostname: 'shop.example.com'},
    async run(cmd) {
      runs.push(cmd)
      return {exitCode, output: exitCode === 0 ? 'migrated\\n' : 'disk full\\n'}
    },
    log: (message) => logged.push(message),
  }
  return {context, runs, logged}
}

describe('pre-switch hook', () => {
  it('runs the migration with the versions as arguments and logs the host name', async () => {
    const {context, runs, logged} = fakeContext(0)
    await preSwitch.call(undefined, context)
    assert.deepEqual(runs[0].slice(-2), ['1.0.0', '1.1.0'])
    assert.match(logged.join('\\n'), /shop\\.example\\.com/)
  })

  it('fails the update with the last output line when the migration fails', async () => {
    const {context} = fakeContext(3)
    await assert.rejects(preSwitch.call(undefined, context), /exited with 3: disk full/)
  })
})
`

export function readme({pkg, recipe}: ScaffoldNames): string {
  return `# ${pkg}

A discode plugin: the \`${recipe}\` recipe and its hooks. Customers add it with
\`discode plugins install ${pkg}\` and install your app with \`discode install APP --recipe ${recipe}\`.

## First steps

1. Check the recipe (\`image\` and \`feed\` are in \`recipes/${recipe}/recipe.yml\`): \`discode recipes validate .\`
2. Push a release image, then add it to the feed pinned by digest and sign the feed:
   \`discode feed add feed.json --image REPO:TAG --version 1.0.0\` and
   \`discode feed sign feed.json --key keys/feed.key\`; publish \`feed.json\` and \`feed.json.sig\` at the recipe's \`feed\` URL
3. Install the tools and run the hook test (no Docker): \`npm install && npm test\`
4. Check a release update end to end in a throw-away world (needs Docker; nothing of yours is touched):
   \`npm run build && discode recipes test . --from 1.0.0 --to 1.1.0\`
5. Publish: \`npm publish\` (\`prepack\` builds \`dist/\`).

## Layout

- \`recipes/${recipe}/recipe.yml\`: the recipe (image, inputs, secrets, env, volumes, health, feed, feedKey)
- \`src/hooks/pre-switch.ts\`: runs on every update before traffic moves; throw to stop the update
- \`test/hooks.test.ts\`: the hook against a fake context
- \`keys/feed.key\` (secret, not in git or the package) and \`keys/feed.pub\` (the recipe's \`feedKey\`)
- \`feed.json\`, \`feed.json.sig\`: your release feed and its signature (not in the package)
- \`types/\`: \`@discode/types\` copied from your discode (\`import type\`: nothing of it is in the compiled
  hook); after upgrading discode refresh it with \`discode recipes types --out types/index.d.ts\`

Stop signal: discode stops an old release with SIGTERM and waits 10 s before SIGKILL. If your
process runs as PID 1 and ignores SIGTERM, every update waits the full 10 s: handle SIGTERM, or run
it under an init (\`docker run --init\`-style, e.g. tini) in your image.
`
}

/** The feed to start from: no release yet (`discode feed add` adds them, pinned by digest). */
export const FEED_JSON = `${JSON.stringify({releases: []}, null, 2)}\n`
