import type {Release} from '../feed/feed.js'
import type {AppRecord} from '../state/store.js'
import {ensureAccessories} from './accessories/apply.js'
import {type DeployResult, goLive} from './go-live.js'
import type {Operation} from './operation.js'
import {pullRelease} from './pull.js'
import type {SourcedRecipe} from './strategy.js'

/**
 * The deploy shared by install and update, once a release is chosen: pull (before anything is
 * touched) → accessories (started and healthy before the app) → goLive with the recipe's strategy.
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
  },
): Promise<DeployResult> {
  const {recipe, release, credentials} = deploy
  const imageId = await pullRelease(op, release.image, {requireDigest: deploy.signed, credentials})
  const accessories = await ensureAccessories(op, recipe, {replace: deploy.replaceAccessories, credentials})
  const result = await goLive(op, {record: deploy.record, recipe, release: {...release, imageId}, kind: deploy.kind})
  return {...result, accessories}
}
