import {notInstalledError, validateAppName} from '../names/names.js'
import type {AppRecord, ReleaseRecord, StateStore} from './store.js'

export type InstalledRecord = AppRecord & {current: ReleaseRecord}

/** The app's record, which must name a serving release (else: not installed, with a hint). */
export async function installedRecord(store: StateStore, app: string): Promise<InstalledRecord> {
  validateAppName(app)
  const record = await store.read(app)
  if (!record?.current) throw notInstalledError(app)
  return record as InstalledRecord
}
