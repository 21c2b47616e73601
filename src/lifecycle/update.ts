import {isDeepStrictEqual} from 'node:util'

import {DiscodeError} from '../errors.js'
import type {Release} from '../feed/feed.js'
import type {AppRecord, ReleaseRecord} from '../state/store.js'
import type {Engine, Timings} from './context.js'
import {type AccessoryReport, ensureAccessories} from './accessories.js'
import {bootProxy, deployRelease, type DeployResult} from './deploy.js'
import {pauseRelease} from './pause.js'
import {runOperation} from './operation.js'
import {reconcileApp} from './reconcile.js'
import {settleInputs, warnSecretsInArguments} from './inputs.js'
import {acceptedFeed, findRelease} from './release.js'
import {notInstalledError, validateAppName} from './names.js'
import {feedFor, loadInstalledRecipe, registryCredentials, pullRelease, renderFor, restoreRoute} from './steps.js'

export interface UpdateCheck {
  app: string
  current: string
  /** The release an update would install; undefined when up to date. */
  available?: Release
}

export type UpdateResult =
  | ({status: 'updated'} & DeployResult & {app: string})
  | {status: 'up-to-date'; app: string; current: ReleaseRecord; timings: Timings; accessories: AccessoryReport[]; rerouted: boolean}

/** The app's record, which must name a serving release. */
export async function installedRecord(engine: Engine, app: string): Promise<AppRecord & {current: ReleaseRecord}> {
  validateAppName(app)
  const record = await engine.store.read(app)
  if (!record?.current) throw notInstalledError(app)
  return record as AppRecord & {current: ReleaseRecord}
}

/** What `update` would install, without touching anything (`update --check`, `status`). */
export async function checkUpdate(engine: Engine, app: string, options: {to?: string} = {}): Promise<UpdateCheck> {
  const record = await installedRecord(engine, app)
  const {raw} = loadInstalledRecipe(engine, record)
  const feed = feedFor(app, raw, record.inputs, await engine.store.readSecrets(app))
  // Read-only: verifies the feed against what was accepted, but records nothing (no lock held).
  const {release: available} = await findRelease(engine, {}, feed, {
    current: record.current.version,
    to: options.to,
    newestAccepted: record.feedPublished,
  })
  return {app, current: record.current.version, available: available?.version === record.current.version ? undefined : available}
}

/**
 * update: feed → choose → pull (before touching anything) → start beside the old one → pre-switch
 * hooks → proxy deploy → record → stop the old one → post-switch hooks. See deployRelease.
 */
export async function update(
  engine: Engine,
  options: {app: string; to?: string; wait?: boolean; set?: Record<string, string>; inArguments?: string[]; accessories?: boolean},
): Promise<UpdateResult> {
  const {app} = options
  await installedRecord(engine, app)
  return runOperation(engine, app, 'update', {wait: options.wait}, async (engine, timings) => {
    await bootProxy(engine, timings)
    const reconciled = await reconcileApp(engine, timings, await installedRecord(engine, app))
    let record = reconciled.record
    const current = record.current!
    const {raw} = loadInstalledRecipe(engine, record)
    // A newer recipe may bring inputs (with defaults) and secrets the install did not have.
    warnSecretsInArguments(engine.reporter, raw, options.inArguments)
    const {plain, secrets} = await settleInputs(engine.store, app, raw, options.set ?? {}, record.inputs)
    const feed = feedFor(app, raw, plain, secrets)
    const {release, published} = await findRelease(engine, timings, feed, {
      current: current.version,
      to: options.to,
      newestAccepted: record.feedPublished,
    })
    // Remembered at once: a later failure must not let an older feed be replayed.
    const accepted = acceptedFeed(record, published)
    if (accepted !== record) await engine.store.write((record = accepted))
    if (!release || release.version === current.version) {
      if (options.set && Object.keys(options.set).length > 0)
        engine.reporter.warn('No release to deploy: the values given with --set or --set-file were not applied')
      // Still (re)starts a missing or stopped accessory, and applies accessory changes with --accessories.
      const running = renderFor(app, raw, record.inputs, secrets, current)
      const accessories = await ensureAccessories(engine, timings, app, running, {
        replace: Boolean(options.accessories),
        credentials: registryCredentials(running, secrets),
      })
      const declared = Object.keys(running.accessories)
      if (!isDeepStrictEqual(declared, record.accessories)) await engine.store.write({...record, accessories: declared})
      const rerouted = !reconciled.routed
      if (rerouted) await restoreRoute(engine, timings, app, running, current)
      return {status: 'up-to-date', app, current, timings, accessories, rerouted}
    }
    const recipe = {...renderFor(app, raw, plain, secrets, release), source: record.recipe.source}
    const imageId = await pullRelease(engine, timings, release.image, {
      requireDigest: Boolean(feed.key),
      credentials: registryCredentials(recipe, secrets),
    })
    const accessories = await ensureAccessories(engine, timings, app, recipe, {
      replace: Boolean(options.accessories),
      credentials: registryCredentials(recipe, secrets),
    })
    // The new plain inputs are recorded with the release, once it serves.
    const result = await (recipe.strategy === 'pause' ? pauseRelease : deployRelease)(
      engine,
      timings,
      {...record, inputs: plain},
      recipe,
      {...release, imageId},
      {install: false},
    )
    return {status: 'updated', app, ...result, accessories}
  })
}

export function noPreviousReleaseError(app: string, to?: string): DiscodeError {
  return new DiscodeError(to ? `Release ${to} of ${app} is not on this host` : `${app} has no previous release on this host`, {
    hint: to ? `Install it with "discode update ${app} --to ${to}"` : 'Nothing to roll back to: see "discode status"',
    code: 'NO_PREVIOUS_RELEASE',
  })
}
