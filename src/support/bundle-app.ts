/**
 * One app's part of a support bundle: its record, journal (with the last failure spelled out),
 * containers and their logs, the recipe as installed, the feed check and the preflight results.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {containerLogText, containerName, inspectContainer, listContainers} from '../docker/docker.js'
import {type Engine, silentReporter} from '../lifecycle/context.js'
import {LABELS} from '../names/names.js'
import {processStatuses} from '../lifecycle/processes/status.js'
import {Journal} from '../state/journal.js'
import type {AppRecord} from '../state/store.js'
import type {BundleEntry} from './bundle-archive.js'
import {BUNDLE_LOG_LINES, json} from './bundle-host.js'
import {preflight} from './preflight.js'
import {maskEnv} from '../secrets/redact.js'

export async function appEntries(engine: Engine, record: AppRecord): Promise<BundleEntry[]> {
  const dir = `apps/${record.app}`
  const journal = new Journal(engine.store.appDir(record.app)).entries()
  const failure = [...journal].reverse().find((e) => e.event === 'end' && e.detail?.startsWith('failed'))
  const entries: BundleEntry[] = [
    {path: `${dir}/record.json`, content: json(record)},
    {path: `${dir}/journal.jsonl`, content: journal.map((e) => JSON.stringify(e)).join('\n') + '\n'},
    ...(failure ? [{path: `${dir}/last-failure.txt`, content: `${failure.name} at ${failure.at}\n${failure.detail}\n`}] : []),
    ...(await containerEntries(engine, record, dir)),
    ...(await runtimeEntries(engine, record, dir)),
    ...(await recipeEntries(engine, record, dir)),
  ]
  return entries
}

/** What the app's runtime adds (a cluster app: its replicas per node, every task of the serving service, their logs). */
async function runtimeEntries(engine: Engine, record: AppRecord, dir: string): Promise<BundleEntry[]> {
  const files = await (await engine.runtimeFor(record)).supportFiles(engine, record, BUNDLE_LOG_LINES)
  return files.map((file) => ({path: `${dir}/${file.path}`, content: file.content}))
}

async function containerEntries(engine: Engine, record: AppRecord, dir: string): Promise<BundleEntry[]> {
  const {app} = record
  const containers = await listContainers(engine.docker, [`${LABELS.app}=${app}`])
  const entries: BundleEntry[] = []
  const summaries = []
  for (const listed of containers) {
    const name = containerName(listed)
    const info = await inspectContainer(engine.docker, name)
    summaries.push({
      name,
      image: listed.Image,
      labels: listed.Labels,
      state: info?.State ?? listed.State,
      restartCount: info?.RestartCount,
      // Values of secret-looking names are masked; any other known secret is redacted with the rest.
      env: maskEnv(info?.Config.Env ?? []),
    })
    entries.push({path: `${dir}/logs/${name}.txt`, content: await containerLogText(engine.docker, name, {tail: BUNDLE_LOG_LINES})})
  }
  // Each recipe process with its replicas (their containers, with their logs, are listed above).
  const processes = record.current ? processStatuses(record.current, containers) : []
  return [
    {path: `${dir}/status.json`, content: json({app, containers: summaries, ...(processes.length > 0 ? {processes} : {})})},
    ...entries,
  ]
}

/** The recipe file as installed, what the feed offers now, and whether the host still suits the recipe. */
async function recipeEntries(engine: Engine, record: AppRecord, dir: string): Promise<BundleEntry[]> {
  const [{loadInstalledRecipe}, {checkUpdate}] = await Promise.all([import('../recipes/installed.js'), import('../lifecycle/check.js')])
  let loaded
  try {
    loaded = loadInstalledRecipe(engine.recipeRoots, record)
  } catch (error) {
    return [{path: `${dir}/recipe-error.txt`, content: `${(error as Error).message}\n`}]
  }
  const feed = record.current
    ? await checkUpdate({...engine, reporter: silentReporter}, record.app).then(
        (check) => ({current: check.current, available: check.available ?? null}),
        (error: {message: string; code?: string; hint?: string}) => ({error: {message: error.message, code: error.code, hint: error.hint}}),
      )
    : {error: {message: 'not installed'}}
  return [
    {path: `${dir}/recipe/recipe.yml`, content: readFileSync(join(loaded.dir, 'recipe.yml'), 'utf8')},
    {path: `${dir}/feed.json`, content: json(feed)},
    {path: `${dir}/preflight.json`, content: json(await preflight(engine, loaded.raw))},
  ]
}
