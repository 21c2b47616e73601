/**
 * Apply: carries out an update plan (plan.ts) inside the operation that gathered its facts, hop by
 * hop, each hop the deploy install also uses (pull → snapshot → accessories → goLive). Nothing is
 * decided again: each hop gets the release, inputs, accessory containers and snapshot decision of the
 * plan; only the record is read again after a hop (the hop changed it).
 */
import {isDeepStrictEqual} from 'node:util'

import type {Release} from '../feed/feed.js'
import type {AccessoryReport} from '../lifecycle/accessories/apply.js'
import {deployRelease} from '../lifecycle/deploy-release.js'
import type {DeployResult} from '../lifecycle/go-live.js'
import {warnSecretsInArguments} from '../lifecycle/inputs.js'
import type {Operation, Timings} from '../lifecycle/operation.js'
import {refreshCurrent} from '../lifecycle/refresh.js'
import {acceptedFeed, trustedFeed} from '../lifecycle/release.js'
import {registryCredentials, renderFor} from '../recipes/installed.js'
import {type InstalledRecord, installedRecord} from '../state/installed.js'
import type {ReleaseRecord} from '../state/store.js'
import type {Facts, UpdateRequest} from './facts.js'
import type {UpdatePlan} from './plan.js'

export type UpdateResult =
  | ({status: 'updated'} & DeployResult & {app: string})
  | {status: 'up-to-date'; app: string; current: ReleaseRecord; timings: Timings; accessories: AccessoryReport[]; rerouted: boolean}

export interface ApplyOptions extends UpdateRequest {
  /** Input names given with --set (secret ones are warned about: they showed in the process list). */
  inArguments?: string[]
  /** Called before each hop (the command prints "hop 1 of 2"). */
  onHop?: (index: number, total: number, version: string) => void
}

/** Thrown by a hop; `index` says which (the caller words the error). */
export class HopError extends Error {
  constructor(
    readonly index: number,
    readonly error: unknown,
  ) {
    super(error instanceof Error ? error.message : String(error))
  }
}

/** Carries out the plan (which has no blockers); one result per hop, or the one refresh result. */
export async function applyPlan(op: Operation, facts: Facts, plan: UpdatePlan, options: ApplyOptions): Promise<UpdateResult[]> {
  const {app} = op
  warnSecretsInArguments(op.reporter, facts.raw, options.inArguments)
  // Generated secrets at once (a retry must reuse them); a signed feed's `published` and trust too,
  // so a later failure cannot let an older feed be replayed.
  if (!isDeepStrictEqual(facts.secrets, facts.storedSecrets)) await op.engine.store.writeSecrets(app, facts.secrets)
  let record = trustedFeed(acceptedFeed(facts.record, facts.feed.published), facts.feed.decision) as InstalledRecord
  if (record !== facts.record) await op.engine.store.write(record)
  const replaceAccessories = Boolean(options.accessories)
  if (plan.refresh) {
    if (options.set && Object.keys(options.set).length > 0) {
      op.reporter.warn('No release to deploy: the values given with --set or --set-file were not applied')
    }
    const {snapshotTrigger} = plan.refresh
    const refreshed = await refreshCurrent(
      op,
      {record, raw: facts.raw, secrets: facts.secrets, routed: facts.routed},
      {
        replaceAccessories,
        reroute: plan.refresh.reroute,
        existing: facts.accessories,
        ...(snapshotTrigger === 'pre-accessories' ? {snapshot: snapshotTrigger} : {}),
      },
    )
    return [{status: 'up-to-date', app, current: record.current, timings: op.timings, ...refreshed}]
  }
  const results: UpdateResult[] = []
  for (const [index, hop] of plan.hops.entries()) {
    options.onHop?.(index, plan.hops.length, hop.version)
    const release = facts.feed.feed.releases.find((r) => r.version === hop.version) as Release
    // Each hop's own timings (the first one's with the gathering's: reconcile, feed).
    const hopOp = index === 0 ? op : {...op, timings: {}}
    try {
      const recipe = {...renderFor(app, facts.raw, hop.inputs, facts.secrets, release), source: record.recipe.source}
      // The new plain inputs are recorded with the release, once it serves.
      const result = await deployRelease(hopOp, {
        record: {...record, inputs: hop.inputs},
        stored: record,
        recipe,
        release,
        kind: 'update',
        signed: facts.signed,
        credentials: registryCredentials(recipe, facts.secrets),
        replaceAccessories,
        snapshot: hop.snapshotTrigger,
        loaded: options.offline?.images,
        // The first hop finds the containers gathered; a later one what the hop before left.
        ...(index === 0 ? {accessories: facts.accessories} : {}),
      })
      results.push({status: 'updated', app, ...result})
    } catch (error) {
      throw new HopError(index, error)
    }
    if (index < plan.hops.length - 1) record = await installedRecord(op.engine.store, app)
  }
  return results
}
