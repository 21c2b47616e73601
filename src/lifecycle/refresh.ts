import {isDeepStrictEqual} from 'node:util'

import type {RawRecipe} from '../recipes/schema.js'
import {registryCredentials, renderFor} from '../recipes/installed.js'
import type {InstalledRecord} from '../state/installed.js'
import type {SecretsRecord} from '../state/store.js'
import type {ContainerInfo} from '../docker/docker.js'
import {type AccessoryReport, ensureAccessories} from './accessories/apply.js'
import type {Operation} from './operation.js'
import {hasProcesses, moveProcesses} from './processes/move.js'
import {restoreRoute, switchTraffic} from './proxy-steps.js'
import {snapshotBeforeChange} from './snapshot-step.js'

/**
 * An update with no newer release still repairs what the current release needs: a missing or stopped
 * accessory is (re)started, accessory changes are applied with --accessories, and a route the proxy
 * lost is deployed again. Returns what was done to the accessories and whether the app was re-routed.
 */
export async function refreshCurrent(
  op: Operation,
  state: {record: InstalledRecord; raw: RawRecipe; secrets: SecretsRecord; routed: boolean},
  options: {
    replaceAccessories: boolean
    reroute?: boolean
    /** The data is saved first, as the update's plan decided (accessories replaced). */
    snapshot?: 'pre-accessories'
    /** The app's accessory containers, as the update gathered them. */
    existing?: ContainerInfo[]
  },
): Promise<{accessories: AccessoryReport[]; rerouted: boolean}> {
  const {record, raw, secrets} = state
  const running = renderFor(op.app, raw, record.inputs, secrets, record.current)
  // Replacing an accessory (a database) touches its data: saved first, as before a migration.
  if (options.snapshot)
    await snapshotBeforeChange(op, {record, recipe: running, trigger: options.snapshot, version: record.current.version})
  const accessories = await ensureAccessories(op, running, {
    replace: options.replaceAccessories,
    credentials: registryCredentials(running, secrets),
    existing: options.existing,
  })
  const declared = Object.keys(running.accessories)
  if (!isDeepStrictEqual(declared, record.accessories)) await op.engine.store.write({...record, accessories: declared})
  // Replicas a crash or a failed install left missing are started (and strays stopped).
  if (hasProcesses(running, [record.current])) {
    const processes = await moveProcesses(op, running, record.current)
    const stored = await op.engine.store.read(op.app)
    if (stored?.current && !isDeepStrictEqual(processes, stored.current.processes)) {
      await op.engine.store.write({...stored, current: {...stored.current, processes}})
    }
  }
  if (!state.routed) await restoreRoute(op, running, record.current)
  // e.g. a new certificate: the same target deployed again, health-checked and switched like an update.
  else if (options.reroute) await switchTraffic(op, running, record.current)
  return {accessories, rerouted: !state.routed || Boolean(options.reroute)}
}
