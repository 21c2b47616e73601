/**
 * `discode support-bundle`: one .tar.gz a customer can mail to the vendor. Collected from the host,
 * each app (or the one asked for) and the vendors' collectors, then redacted as a whole (see
 * bundle-archive.ts) with every secret of every app on the host.
 */
import {notInstalledError} from '../names/names.js'
import type {Engine} from '../lifecycle/context.js'
import type {AppRecord} from '../state/store.js'
import {type BundleEntry, redactedEntries, writeArchive} from './bundle-archive.js'
import {appEntries} from './bundle-app.js'
import {hostEntries, json} from './bundle-host.js'
import {secretsOnHost} from '../notify/secret-registry.js'
import {vendorEntries} from './vendor-collectors.js'

export interface BundleReport {
  file: string
  apps: string[]
  files: {path: string; bytes: number}[]
  /** How many secret values were redacted wherever they appeared (the values are never listed). */
  secretsRedacted: number
  /** Collectors that failed; the bundle holds what the others found. */
  errors: string[]
}

export async function supportBundle(engine: Engine, options: {app?: string; file: string; discodeVersion: string}): Promise<BundleReport> {
  const all = engine.store.apps()
  if (options.app && !all.includes(options.app)) throw notInstalledError(options.app)
  const records = (await Promise.all((options.app ? [options.app] : all).map((app) => engine.store.read(app)))).filter(
    (r): r is AppRecord => Boolean(r),
  )
  const errors: string[] = []
  const collect = async (what: string, work: () => Promise<BundleEntry[]>): Promise<BundleEntry[]> => {
    engine.reporter.info(`Collecting ${what}`)
    try {
      return await work()
    } catch (error) {
      errors.push(`${what}: ${(error as Error).message}`)
      return []
    }
  }
  const entries = await collect('host facts', () => hostEntries(engine, options.discodeVersion, options.app))
  for (const record of records) {
    entries.push(...(await collect(record.app, () => appEntries(engine, record))))
    entries.push(...(await collect(`${record.app} (vendor collectors)`, () => vendorEntries(engine, record))))
  }
  if (errors.length > 0) entries.push({path: 'errors.txt', content: errors.join('\n') + '\n'})
  // Every app's secrets, not only the bundled ones': one app's logs may well show another's.
  const secrets = secretsOnHost(engine.store, engine.settings.home, all)
  const redacted = redactedEntries(entries, secrets)
  const files = redacted.map((e) => ({path: e.path, bytes: Buffer.byteLength(e.content)}))
  redacted.push({path: 'manifest.json', content: json({createdAt: new Date().toISOString(), apps: records.map((r) => r.app), files})})
  await writeArchive(options.file, `discode-support-${timestamp()}`, redacted)
  return {file: options.file, apps: records.map((r) => r.app), files, secretsRedacted: secrets.length, errors}
}

function timestamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-')
}
