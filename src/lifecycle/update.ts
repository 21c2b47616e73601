import type {OfflineFeed} from '../feed/read.js'
import {feedFor, loadInstalledRecipe, registryCredentials, renderFor} from '../recipes/installed.js'
import {type InstalledRecord, installedRecord} from '../state/installed.js'
import type {ReleaseRecord} from '../state/store.js'
import type {AccessoryReport} from './accessories/apply.js'
import type {Engine} from './context.js'
import {deployRelease} from './deploy-release.js'
import type {DeployResult} from './go-live.js'
import {settleInputs, warnSecretsInArguments} from './inputs.js'
import {runOperation, type Timings} from './operation.js'
import {bootProxy} from './proxy-steps.js'
import {reconcileApp} from './reconcile.js'
import {refreshCurrent} from './refresh.js'
import {acceptedFeed, findRelease, trustedFeed} from './release.js'

export type UpdateResult =
  | ({status: 'updated'} & DeployResult & {app: string})
  | {status: 'up-to-date'; app: string; current: ReleaseRecord; timings: Timings; accessories: AccessoryReport[]; rerouted: boolean}

export interface UpdateOptions {
  app: string
  to?: string
  wait?: boolean
  set?: Record<string, string>
  inArguments?: string[]
  accessories?: boolean
  /** false (--no-snapshot): no snapshot of the data before a migration. */
  snapshot?: boolean
  /** Deploy the serving release to the proxy again even with nothing newer (a new certificate to apply). */
  reroute?: boolean
  /** --allow-unsigned-feed (true) / --no-allow-unsigned-feed (false): kept in the record. */
  allowUnsignedFeed?: boolean
  /** --accept-feed-key: the recipe's changed (or dropped) feedKey replaces the recorded one. */
  acceptFeedKey?: boolean
  /** --bundle: the verified bundle's feed and loaded images (no feed fetch, no pull). */
  offline?: OfflineFeed
}

/**
 * update: proxy → reconcile → settle inputs → feed → (nothing newer: refreshCurrent) → pull →
 * accessories → goLive with the recipe's strategy (see docs/architecture.md).
 */
export async function update(engine: Engine, options: UpdateOptions): Promise<UpdateResult> {
  const {app} = options
  await installedRecord(engine.store, app)
  return runOperation(engine, app, 'update', {wait: options.wait}, async (op) => {
    await bootProxy(op)
    const reconciled = await reconcileApp(op, await installedRecord(engine.store, app))
    let record = reconciled.record as InstalledRecord
    const current = record.current
    const {raw} = loadInstalledRecipe(engine.recipeRoots, record)
    // A newer recipe may bring inputs (with defaults) and secrets the install did not have.
    warnSecretsInArguments(op.reporter, raw, options.inArguments)
    const {plain, secrets} = await settleInputs(engine.store, app, raw, options.set ?? {}, record.inputs)
    const feed = {...feedFor(app, raw, plain, secrets), offline: options.offline}
    const {release, published, decision} = await findRelease(op, feed, {
      current: current.version,
      to: options.to,
      newestAccepted: record.feedPublished,
      trust: {app, installed: true, trust: record.feedTrust, allowUnsigned: options.allowUnsignedFeed, acceptKey: options.acceptFeedKey},
    })
    // Remembered at once: a later failure must not let an older feed be replayed.
    const accepted = trustedFeed(acceptedFeed(record, published), decision) as InstalledRecord
    if (accepted !== record) await engine.store.write((record = accepted))
    const replaceAccessories = Boolean(options.accessories)
    if (!release || release.version === current.version) {
      if (options.set && Object.keys(options.set).length > 0) {
        op.reporter.warn('No release to deploy: the values given with --set or --set-file were not applied')
      }
      const refreshed = await refreshCurrent(
        op,
        {record, raw, secrets, routed: reconciled.routed},
        {
          replaceAccessories,
          reroute: options.reroute,
          skipSnapshot: options.snapshot === false,
        },
      )
      return {status: 'up-to-date', app, current, timings: op.timings, ...refreshed}
    }
    const recipe = {...renderFor(app, raw, plain, secrets, release), source: record.recipe.source}
    // The new plain inputs are recorded with the release, once it serves.
    const result = await deployRelease(op, {
      record: {...record, inputs: plain},
      recipe,
      release,
      kind: 'update',
      signed: Boolean(feed.key),
      credentials: registryCredentials(recipe, secrets),
      replaceAccessories,
      skipSnapshot: options.snapshot === false,
      loaded: options.offline?.images,
    })
    return {status: 'updated', app, ...result}
  })
}
