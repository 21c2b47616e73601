/**
 * What a deploy does to the app's accessories, as a plan shows it (update's hops, install): the one
 * accessory diff (planAccessories) against the containers there before, by name only (a definition
 * may hold secrets). Pure.
 */
import type {ContainerInfo} from '../../docker/docker.js'
import type {Recipe} from '../../recipes/schema.js'
import {type AccessoryPlan, planAccessories} from './plan.js'
import {accessoryContainerName} from './spec.js'

/** What a hop does to the app's accessories (names only: a definition may hold secrets). */
export interface AccessoryChanges {
  added: string[]
  /** No longer in the recipe: removed only with --accessories (else left running). */
  removed: string[]
  /** Running ones whose definition changes: replaced only with --accessories (else the update refuses). */
  changed: string[]
  /** What applying the hop does to each accessory, as its report will say. */
  actions: {name: string; action: 'unchanged' | 'started' | 'created' | 'replaced' | 'removed'}[]
}

const NO_CHANGES: AccessoryChanges = {added: [], removed: [], changed: [], actions: []}

/** The accessory plan (planAccessories, the one diff) against the containers there before the hop. */
export function accessoryChanges(app: string, recipe: Recipe | undefined, containers: ContainerInfo[], replace: boolean): AccessoryChanges {
  if (!recipe) return NO_CHANGES
  const plan = planAccessories(app, recipe.accessories, containers)
  const primary = orphanNames(app, plan)
  if (plan.planned.length === 0 && containers.length === 0) return NO_CHANGES
  const REPORTED = {keep: 'unchanged', start: 'started', create: 'created', replace: 'replaced'} as const
  return {
    added: plan.planned.filter((p) => p.action === 'create').map((p) => p.name),
    removed: primary,
    changed: plan.planned.filter((p) => p.action === 'replace').map((p) => p.name),
    actions: [
      ...plan.planned.map((p) => ({name: p.name, action: REPORTED[p.action]})),
      ...(replace ? primary.map((name) => ({name, action: 'removed' as const})) : []),
    ],
  }
}

function orphanNames(app: string, plan: AccessoryPlan): string[] {
  return plan.orphans.filter((o) => o.container.Names.includes(`/${accessoryContainerName(app, o.name)}`)).map((o) => o.name)
}
