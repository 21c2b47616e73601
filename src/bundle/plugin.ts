/**
 * A vendor plugin in a bundle, so that its discode:* hooks come along: on the vendor's side the npm
 * tarball (`npm pack`, or a directory packed as `npm publish` would) is checked against the plugin
 * rules and its recipe read from it; on the customer's side the verified tarball is kept under
 * DISCODE_HOME/bundles, where `plugins install` finds it offline.
 */
import {createHash} from 'node:crypto'
import {copyFileSync, createReadStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {basename, dirname, join, resolve} from 'node:path'
import {pipeline} from 'node:stream/promises'
import {createGunzip} from 'node:zlib'

import {extract} from 'tar-stream'

import {fsReason} from '../feed/signature.js'
import {pack} from '../plugin-install-check.js'
import {type PluginPackageJson, pluginRefusals} from '../plugin-rules.js'
import {listRecipes, type RecipeRoot, resolveRecipe, type ResolvedRecipe} from '../recipes/resolve.js'
import type {PartSource} from './archive.js'
import {BundleError} from './errors.js'
import type {BundleManifest} from './manifest.js'

export interface PluginSource {
  name: string
  version: string
  /** The npm tarball, as it goes into the bundle. */
  tarball: string
  /** The plugin's recipes, read from the unpacked tarball. */
  root: RecipeRoot
}

type PluginPjson = PluginPackageJson & {version?: string; discode?: {recipes?: string}}

/** The tarball (or the directory, packed) unpacked under `work`, checked as `plugins install` checks it. */
export async function openPlugin(source: string, work: string): Promise<PluginSource> {
  if (!existsSync(source)) throw pluginProblem(source, 'does not exist', 'Give the tarball `npm pack` wrote, or the plugin directory')
  let tarball = resolve(source)
  if (statSync(source).isDirectory()) {
    mkdirSync(join(work, 'pack'), {recursive: true})
    try {
      tarball = await pack(tarball, join(work, 'pack'), {cwd: tarball, scripts: true})
    } catch (error) {
      throw pluginProblem(source, `could not be packed: ${(error as Error).message}`, 'Run `npm pack` in it and give the tarball')
    }
  }
  const unpacked = join(work, 'plugin-package')
  await unpack(tarball, unpacked)
  const pjsonFile = join(unpacked, 'package.json')
  const pjson = (existsSync(pjsonFile) ? JSON.parse(readFileSync(pjsonFile, 'utf8')) : {}) as PluginPjson
  const reasons = pluginRefusals(pjson)
  if (!pjson.name || !pjson.version) reasons.push('its package.json has no name or version')
  if (!pjson.discode?.recipes) reasons.push('its package.json names no recipes directory (discode.recipes)')
  if (reasons.length > 0) {
    throw pluginProblem(source, `cannot go into a bundle: ${reasons.join('; ')}`, 'Customers could not install it either (docs/vendors.md)')
  }
  return {name: pjson.name!, version: pjson.version!, tarball, root: {source: pjson.name!, dir: join(unpacked, pjson.discode!.recipes!)}}
}

/** The plugin's recipe named `ref` (a name, or `plugin:name`), or its only one. */
export function pluginRecipe(plugin: PluginSource, ref?: string): ResolvedRecipe {
  const all = listRecipes([plugin.root])
  if (ref === undefined && all.length !== 1) {
    throw pluginProblem(plugin.name, `ships ${all.length} recipes`, `Name one with --recipe (${all.map((r) => r.name).join(', ')})`)
  }
  const name = ref?.startsWith(`${plugin.name}:`) ? ref.slice(plugin.name.length + 1) : (ref ?? all[0].name)
  if (/[\\/]/.test(name))
    throw pluginProblem(
      plugin.name,
      `has no recipe ${name}: with --plugin, --recipe names one of its recipes`,
      `e.g. --recipe ${all[0]?.name ?? 'NAME'}`,
    )
  return resolveRecipe(`${plugin.name}:${name}`, [plugin.root])
}

/** The tarball as a bundle part: `plugin/<scope>-<name>-<version>.tgz`, as npm names it. */
export function pluginPart(plugin: PluginSource): PartSource & {name: string; version: string} {
  const bytes = readFileSync(plugin.tarball)
  const file = `${plugin.name.replace(/^@/, '').replace(/\//g, '-')}-${plugin.version}.tgz`.replace(/[^A-Za-z0-9._-]/g, '_')
  return {
    name: plugin.name,
    version: plugin.version,
    path: `plugin/${file}`,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    size: bytes.length,
    open: () => createReadStream(plugin.tarball),
  }
}

/** Customer side: the verified tarball copied to `bundles/<app>/plugins/<sha256 prefix>/`; its path. */
export function keepPlugin(home: string, manifest: BundleManifest, work: string): string | undefined {
  const plugin = manifest.plugin
  const part = plugin && manifest.parts.find((candidate) => candidate.path === plugin.path)
  if (!part) return undefined
  const file = join(home, 'bundles', manifest.app, 'plugins', part.sha256.slice(0, 16), basename(part.path))
  if (!existsSync(file)) {
    mkdirSync(dirname(file), {recursive: true})
    copyFileSync(join(work, part.path), file)
  }
  return file
}

/**
 * Why a bundle's plugin may not be used for an installed app, or undefined: the app came from another
 * vendor plugin than the bundle carries. A recipe-only bundle, or an app from a path recipe, is fine.
 */
export function pluginMismatch(manifest: Pick<BundleManifest, 'plugin' | 'app'>, recordSource: string): string | undefined {
  if (!manifest.plugin || ['path', 'builtin'].includes(recordSource)) return undefined
  if (manifest.plugin.name === recordSource) return undefined
  return `the bundle's recipe ${manifest.app} comes from the plugin ${manifest.plugin.name}, the app's from ${recordSource}`
}

function pluginProblem(plugin: string, reason: string, hint: string): BundleError {
  return new BundleError(`the plugin ${plugin} ${reason}`, {code: 'BUNDLE_PLUGIN_INVALID', hint})
}

/** Unpacks an npm tarball's regular files (the top directory stripped; nothing outside `dir`). */
async function unpack(tarball: string, dir: string): Promise<void> {
  const entries = extract()
  const done = pipeline(createReadStream(tarball), createGunzip(), entries).catch((error: unknown) => {
    throw pluginProblem(tarball, `is not an npm tarball: ${fsReason(error)}`, 'Give the .tgz file `npm pack` wrote')
  })
  for await (const entry of entries) {
    const path = entry.header.name.split('/').slice(1).join('/')
    const target = resolve(dir, path)
    if (entry.header.type !== 'file' || !path || !target.startsWith(`${resolve(dir)}/`)) {
      entry.resume()
      continue
    }
    const chunks: Buffer[] = []
    for await (const chunk of entry) chunks.push(chunk as Buffer)
    mkdirSync(dirname(target), {recursive: true})
    writeFileSync(target, Buffer.concat(chunks))
  }
  await done
}
