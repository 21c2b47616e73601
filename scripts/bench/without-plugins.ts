/**
 * A copy of the CLI's root whose package.json leaves some oclif plugins out, so the benchmark can time
 * the same commands with and without them in one run. Only bin/run.js and package.json are copied (oclif
 * takes its root from bin/run.js and its plugin list from package.json); dist, the manifest, recipes and
 * node_modules are symlinks to the real ones.
 */
import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export interface PluginFreeRoot {
  /** bin/run.js of the copy. */
  bin: string
  remove(): void
}

/** package.json's text with `plugins` taken out of oclif.plugins (pure). */
export function withoutPlugins(packageJson: string, plugins: string[]): string {
  const pkg = JSON.parse(packageJson)
  const listed: string[] = pkg.oclif?.plugins ?? []
  const missing = plugins.filter((p) => !listed.includes(p))
  if (missing.length > 0) throw new Error(`not in oclif.plugins: ${missing.join(', ')}`)
  pkg.oclif.plugins = listed.filter((p) => !plugins.includes(p))
  return `${JSON.stringify(pkg, null, 2)}\n`
}

export function pluginFreeRoot(root: string, plugins: string[]): PluginFreeRoot {
  const dir = mkdtempSync(join(tmpdir(), 'discode-bench-root-'))
  mkdirSync(join(dir, 'bin'))
  copyFileSync(join(root, 'bin', 'run.js'), join(dir, 'bin', 'run.js'))
  writeFileSync(join(dir, 'package.json'), withoutPlugins(readFileSync(join(root, 'package.json'), 'utf8'), plugins))
  for (const name of ['dist', 'node_modules', 'oclif.manifest.json', 'recipes']) symlinkSync(join(root, name), join(dir, name))
  return {bin: join(dir, 'bin', 'run.js'), remove: () => rmSync(dir, {recursive: true, force: true})}
}
