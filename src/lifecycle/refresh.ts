import {isDeepStrictEqual} from 'node:util'

import type {RawRecipe} from '../recipes/schema.js'
import {registryCredentials, renderFor} from '../recipes/installed.js'
import type {InstalledRecord} from '../state/installed.js'
import type {SecretsRecord} from '../state/store.js'
import {type AccessoryReport, ensureAccessories, replacesAccessories} from './accessories/apply.js'
import {assertProcessesSupported} from './deploy-release.js'
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
  options: {replaceAccessories: boolean; reroute?: boolean; skipSnapshot?: boolean},
): Promise<{accessories: AccessoryReport[]; rerouted: boolean}> {
  const {record, raw, secrets} = state
  const running = renderFor(op.app, raw, record.inputs, secrets, record.current)
  assertProcessesSupported(record, running)
  // Replacing an accessory (a database) touches its data: saved first, as before a migration.
  if (options.replaceAccessories && !options.skipSnapshot && (await replacesAccessories(op, running))) {
    await snapshotBeforeChange(op, {record, recipe: running, trigger: 'pre-accessories', version: record.current.version})
  }
  const accessories = await ensureAccessories(op, running, {
    replace: options.replaceAccessories,
    credentials: registryCredentials(running, secrets),
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
