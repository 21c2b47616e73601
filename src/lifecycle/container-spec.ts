import type {ContainerSpec} from '../docker/docker.js'
import type {Recipe} from '../recipes/schema.js'
import {LABELS} from '../names/names.js'
import {stopSettings} from './stop-policy.js'

/** A release about to run: what the feed named, and what Docker pulled for it. */
export interface ReleaseImage {
  version: string
  image: string
  imageId: string
}

/** Labels make Docker the truth about which releases exist; they never hold secrets. */
export function releaseLabels(app: string, release: {version: string; image: string; key: string}): Record<string, string> {
  return {[LABELS.app]: app, [LABELS.version]: release.version, [LABELS.release]: release.key, [LABELS.image]: release.image}
}

/**
 * How an app container of a release runs: the image id (not the tag: exactly what was pulled and
 * checked), the recipe's env and volumes, on the app network. Hook containers use the same with
 * their own command and labels.
 */
export function appContainerSpec(network: string, app: string, recipe: Recipe, release: {imageId: string}, name: string): ContainerSpec {
  return {
    name,
    image: release.imageId,
    env: recipe.env,
    network,
    volumes: recipe.volumes.map((v) => ({source: `${app}-${v.name}`, target: v.path})),
    restart: true,
    init: recipe.init,
    stop: stopSettings(recipe.stop, 'web'),
  }
}
