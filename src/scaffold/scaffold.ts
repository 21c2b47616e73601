/** `discode recipes init`: writes a ready vendor plugin package into an empty (or new) directory. */
import {existsSync, mkdirSync, readdirSync, writeFileSync} from 'node:fs'
import {basename, dirname, join, relative, resolve} from 'node:path'

import {DiscodeError} from '../errors.js'
import {writeKeyPair} from '../feed/keys.js'
import {signFeed} from '../feed/sign.js'
import * as files from './scaffold-files.js'
import type {ScaffoldNames, ScaffoldRecipeOptions} from './scaffold-files.js'
import {discodeTypes, PLUGIN_TYPES_DIR, typesPackageJson} from '../recipes/types-file.js'

const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/

/** The package name (given, or the directory's name) and the recipe name derived from it. */
export function scaffoldNames(dir: string, name?: string): ScaffoldNames {
  const pkg = name ?? basename(resolve(dir))
  if (!PACKAGE_NAME.test(pkg) || pkg.length > 214) {
    throw new DiscodeError(`"${pkg}" is not a valid npm package name`, {
      hint: 'Use lowercase letters, digits, - . _ and an optional @scope/, e.g. --name @acme/discode-shop',
      code: 'BAD_PACKAGE_NAME',
    })
  }
  const recipe =
    pkg
      .replace(/^@[^/]+\//, '')
      .replace(/^discode-/, '')
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/, '') || 'app'
  return {pkg, recipe}
}

/** Relative path → content of every file of a new plugin; `types` is discode's declaration file. */
export function scaffoldFiles(names: ScaffoldNames, types: string, recipe: ScaffoldRecipeOptions = {}): Record<string, string> {
  return {
    'package.json': files.packageJson(names),
    'tsconfig.json': files.TSCONFIG,
    'tsconfig.test.json': files.TSCONFIG_TEST,
    '.gitignore': files.GITIGNORE,
    'README.md': files.readme(names),
    'feed.json': files.FEED_JSON,
    [`recipes/${names.recipe}/recipe.yml`]: files.recipeYml(names, recipe),
    [`${PLUGIN_TYPES_DIR}/package.json`]: typesPackageJson(),
    [`${PLUGIN_TYPES_DIR}/index.d.ts`]: types,
    'src/hooks/pre-switch.ts': files.PRE_SWITCH_HOOK,
    'test/hooks.test.ts': files.HOOK_TEST,
  }
}

export interface ScaffoldResult extends ScaffoldNames {
  dir: string
  files: string[]
}

export interface ScaffoldOptions {
  /** The npm package name [default: the directory's name]. */
  name?: string
  /** The recipe's image repository and feed URL [default: placeholders under example.com]. */
  image?: string
  feed?: string
}

/**
 * Writes the plugin into `dir`, which must not exist or be empty: nothing of the vendor's is
 * overwritten. It starts signed: a new key pair in keys/ (its public key is the recipe's feedKey) and
 * feed.json, with no release yet, signed with it.
 */
export function scaffoldPlugin(dir: string, options: ScaffoldOptions = {}): ScaffoldResult {
  const names = scaffoldNames(dir, options.name)
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new DiscodeError(`${dir} is not empty`, {hint: 'Give a new or empty directory', code: 'DIR_NOT_EMPTY'})
  }
  const types = discodeTypes()
  const keys = writeKeyPair(join(dir, 'keys'))
  const written = scaffoldFiles(names, types, {image: options.image, feed: options.feed, feedKey: keys.publicKey})
  for (const [path, content] of Object.entries(written)) {
    mkdirSync(dirname(join(dir, path)), {recursive: true})
    writeFileSync(join(dir, path), content, {flag: 'wx'})
  }
  const signed = signFeed(join(dir, 'feed.json'), keys.privateKeyPath)
  const made = ['keys/feed.key', 'keys/feed.pub', ...Object.keys(written), relative(dir, signed.signaturePath)]
  return {...names, dir: resolve(dir), files: made.sort()}
}
