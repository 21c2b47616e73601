/**
 * `discode plugins install NAME`: before @oclif/plugin-plugins hands the name to npm, the package is
 * fetched with `npm pack --ignore-scripts` (the tarball itself, not the registry's metadata, which may
 * say something else) and its package.json checked against the plugin rules. Nothing of it runs: npm
 * runs no scripts (npm_config_ignore_scripts, set for every `plugins` command by the prerun hook).
 */
import {execFile} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {createGunzip} from 'node:zlib'
import {extract} from 'tar-stream'
import {Readable} from 'node:stream'

import {DiscodeError} from './errors.js'
import {type PluginPackageJson, pluginRefusals} from './plugin-rules.js'

/** The npm @oclif/plugin-plugins installs with (its pinned one), else the one on PATH. */
function npmCommand(): string[] {
  try {
    const require = createRequire(createRequire(import.meta.url).resolve('@oclif/plugin-plugins/package.json'))
    const pjsonPath = require.resolve('npm/package.json')
    const bin = (JSON.parse(readFileSync(pjsonPath, 'utf8')) as {bin: {npm: string}}).bin.npm
    return [process.execPath, join(dirname(pjsonPath), bin)]
  } catch {
    return ['npm']
  }
}

export async function packageJsonOf(tarball: string): Promise<PluginPackageJson> {
  const entries = extract()
  Readable.from(readFileSync(tarball)).pipe(createGunzip()).pipe(entries)
  for await (const entry of entries) {
    if (/^[^/]+\/package\.json$/.test(entry.header.name)) {
      const chunks: Buffer[] = []
      for await (const chunk of entry) chunks.push(chunk as Buffer)
      return JSON.parse(Buffer.concat(chunks).toString('utf8')) as PluginPackageJson
    }
    entry.resume()
  }
  throw new Error('the package has no package.json')
}

/**
 * `npm pack SPEC` into a directory: the tarball's path. No package script runs, unless `scripts` (a
 * vendor packing their own directory, whose prepack builds the hooks, as `npm publish` would).
 */
export function pack(spec: string, into: string, options: {cwd: string; registry?: string; scripts?: boolean}): Promise<string> {
  const [bin, ...pre] = npmCommand()
  const args = [
    ...pre,
    'pack',
    spec,
    ...(options.scripts ? [] : ['--ignore-scripts']),
    '--json',
    '--pack-destination',
    into,
    ...(options.registry ? [`--registry=${options.registry}`] : []),
  ]
  return new Promise((ok, fail) =>
    execFile(
      bin,
      args,
      {cwd: options.cwd, env: {...process.env, npm_config_ignore_scripts: String(!options.scripts)}, maxBuffer: 8 * 1024 * 1024},
      (error, _stdout, stderr) => {
        if (error) fail(new Error(stderr.trim().split('\n').filter(Boolean).pop() ?? error.message))
        else ok(join(into, readdirSync(into).find((name) => name.endsWith('.tgz')) ?? ''))
      },
    ),
  )
}

/** Refuses (DiscodeError) a plugin that may not be installed, with every reason. */
export async function checkPluginPackage(spec: string, options: {cwd: string; registry?: string}): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'discode-plugin-check-'))
  try {
    let pjson: PluginPackageJson
    try {
      // npm reads the .npmrc of the directory it installs into; before the first install there is none.
      const cwd = existsSync(options.cwd) ? options.cwd : dir
      pjson = await packageJsonOf(await pack(spec, dir, {...options, cwd}))
    } catch (error) {
      throw new DiscodeError(`Cannot fetch ${spec} to check it before installing: ${(error as Error).message}`, {
        hint: 'Check the package name and your npm registry settings; nothing was installed',
        code: 'PLUGIN_REFUSED',
      })
    }
    const reasons = pluginRefusals(pjson)
    if (reasons.length > 0)
      throw new DiscodeError(`Refusing to install ${pjson.name ?? spec}: ${reasons.join('; ')}`, {
        hint: 'Nothing of it was installed or run. A discode plugin ships recipes and discode:* hooks only (docs/vendors.md, "What a hook can and cannot do")',
        code: 'PLUGIN_REFUSED',
      })
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}
