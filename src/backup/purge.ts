import {DiscodeError} from '../errors.js'
import type {Engine} from '../lifecycle/context.js'
import {runOperation} from '../lifecycle/operation.js'
import {LABELS, validateAppName} from '../names/names.js'
import {listVolumes} from '../docker/docker.js'
import {listBackups} from './backup-app.js'
import {destructionWarning} from './confirm.js'
import {type SnapshotResult, takeSnapshot} from './take-snapshot.js'

/** Whether an `uninstall --purge` would delete anything (else it fails as not installed, asking nothing). */
export async function hasDataToPurge(engine: Engine, app: string): Promise<boolean> {
  validateAppName(app)
  if (await engine.store.read(app)) return true
  return (await listVolumes(engine.docker, `${LABELS.app}=${app}`)).length > 0
}

/** The warning an `uninstall --purge` shows (and asks about) before it deletes anything. */
export async function purgeWarning(engine: Engine, app: string): Promise<string> {
  const volumes = await listVolumes(engine.docker, `${LABELS.app}=${app}`)
  const newest = (await listBackups(engine, {app}))[0]
  return destructionWarning({
    action: `uninstall --purge of ${app}`,
    deletes: [...volumes.map((v) => `volume ${v}`), 'its secrets and record'],
    newest: newest && {id: newest.id, createdAt: newest.createdAt},
  })
}

/** The final snapshot an `uninstall --purge` takes first, so a mistaken purge can be undone. */
export async function snapshotBeforePurge(engine: Engine, app: string, options: {wait?: boolean}): Promise<SnapshotResult | undefined> {
  if (!(await engine.store.read(app))) return undefined // nothing of the app is known but its volumes
  return runOperation(engine, app, 'backup', {wait: options.wait}, (op) => takeSnapshot(op, {trigger: 'pre-purge'}))
}

export function confirmationRequired(what: string): DiscodeError {
  return new DiscodeError(`${what} needs confirmation, and there is no terminal to ask on`, {
    hint: 'Add --yes to confirm',
    code: 'CONFIRMATION_REQUIRED',
  })
}
