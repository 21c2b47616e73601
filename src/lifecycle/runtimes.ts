import {clusterRuntime} from '../cluster/runtime.js'
import type {AppRecord} from '../state/store.js'
import {containerRuntime, type ReleaseRuntime} from './release-runtime.js'

/** The one place an app's runtime is chosen: a cluster app's record says so. */
export function runtimeFor(record: Pick<AppRecord, 'cluster'> | undefined): ReleaseRuntime {
  return record?.cluster ? clusterRuntime(record.cluster) : containerRuntime
}
