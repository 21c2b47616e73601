import type {ContainerInfo} from '../docker/docker.js'
import type {Release} from '../feed/feed.js'
import type {AppRecord} from '../state/store.js'
import {ensureAccessories} from './accessories/apply.js'
import {assertNamesOwned, claimFor} from './claim.js'
import {type DeployResult, goLive} from './go-live.js'
import type {Operation} from './operation.js'
import {reservedNameProblem, reservedNames} from './ownership.js'
import {pullRelease} from './pull.js'
import {snapshotBeforeChange} from './snapshot-step.js'
import {declaredRollbackTo} from './data-compat.js'
import type {SourcedRecipe} from './strategy.js'

/**
 * The deploy shared by install and update, once a release is chosen: pull (before anything is
 * touched) → snapshot (an update with a migration: the data is saved first) → accessories (started
 * and healthy before the app) → goLive with the recipe's strategy.
 */
export async function deployRelease(
  op: Operation,
  deploy: {
    record: AppRecord
    recipe: SourcedRecipe
    release: Release
    kind: 'install' | 'update'
    /** A signed feed pins images by digest; the pulled image must match it. */
    signed: boolean
    credentials?: {username: string; password: string}
    replaceAccessories: boolean
    /** The record as stored, when `record` holds an update's new inputs (not stored before it serves). */
    stored?: AppRecord
    /** An update's data is saved first, as its plan decided (snapshotTrigger): none for an install. */
    snapshot?: 'pre-update' | 'pre-accessories'
    /** The app's accessory containers when already listed (the update's gathered facts). */
    accessories?: ContainerInfo[]
    /** Images loaded from a verified bundle (reference → id): not pulled. */
    loaded?: Record<string, string>
  },
): Promise<DeployResult> {
  const {recipe, release, credentials} = deploy
  // Names first: no volume or container of another app (or of the proxy) is ever mounted or replaced.
  const reserved = reservedNameProblem(op.app, recipe, reservedNames(op.engine.settings))
  if (reserved) throw reserved
  await assertNamesOwned(claimFor(op.engine.docker, op.app, deploy.record), recipe)
  const imageId = await pullRelease(op, release.image, {
    requireDigest: deploy.signed,
    credentials,
    recipeImage: recipe.image,
    loaded: deploy.loaded,
  })
  const trigger = deploy.snapshot
  const record = trigger
    ? await snapshotBeforeChange(op, {
        record: deploy.record,
        recipe,
        trigger,
        version: release.version,
        rollbackTo: declaredRollbackTo(release, recipe),
        stored: deploy.stored,
      })
    : deploy.record
  const accessories = await ensureAccessories(op, recipe, {replace: deploy.replaceAccessories, credentials, existing: deploy.accessories})
  const result = await goLive(op, {record, recipe, release: {...release, imageId}, kind: deploy.kind})
  return {...result, accessories}
}
