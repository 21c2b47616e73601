import type {ContainerInfo} from '../../docker/docker.js'
import type {Recipe, RecipeAccessory} from '../../recipes/schema.js'
import {ACCESSORY_LABELS, accessoryContainerName, accessoryHash, isAccessory, previousName} from './spec.js'

/** What to do with one declared accessory. */
export interface PlannedAccessory {
  name: string
  accessory: RecipeAccessory
  container: string
  /** keep: running as declared; start: stopped as declared; create: none; replace: definition changed. */
  action: 'keep' | 'start' | 'create' | 'replace'
  current?: ContainerInfo
  /** A replacement died before its new container existed: the `-previous` one is renamed back first. */
  restoreFromPrevious?: boolean
}

export interface AccessoryPlan {
  planned: PlannedAccessory[]
  /** Accessory containers the recipe no longer declares (removed only with --accessories). */
  orphans: {name: string; container: ContainerInfo}[]
}

/**
 * The accessory plan: from the declared accessories and the app's accessory containers Docker lists,
 * what each one needs. Pure: applying it (pull, create, replace, wait healthy) is apply.ts.
 */
export function planAccessories(app: string, accessories: Recipe['accessories'], existing: ContainerInfo[]): AccessoryPlan {
  const planned = Object.entries(accessories).map(([name, accessory]) => planOne(app, name, accessory, existing))
  const orphans = existing
    .filter((c) => !Object.hasOwn(accessories, c.Labels[ACCESSORY_LABELS.accessory]))
    .map((container) => ({name: container.Labels[ACCESSORY_LABELS.accessory], container}))
  return {planned, orphans}
}

function planOne(app: string, name: string, accessory: RecipeAccessory, existing: ContainerInfo[]): PlannedAccessory {
  const container = accessoryContainerName(app, name)
  let current = existing.find((c) => isAccessory(c, container, name))
  const previous = existing.find((c) => isAccessory(c, previousName(app, name), name))
  const restoreFromPrevious = !current && previous !== undefined
  if (restoreFromPrevious) current = {...previous!, Names: [`/${container}`]}
  const base = {name, accessory, container, ...(restoreFromPrevious ? {restoreFromPrevious} : {})}
  if (!current) return {...base, action: 'create'}
  if (current.Labels[ACCESSORY_LABELS.hash] !== accessoryHash(accessory)) return {...base, action: 'replace', current}
  return {...base, action: current.State === 'running' ? 'keep' : 'start', current}
}
