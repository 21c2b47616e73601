import type {ReleaseRuntime} from './lifecycle/release-runtime.js'
import type {AppRecord} from './state/store.js'

/**
 * The one place an app's runtime is chosen: a cluster app's record says so. Given to the engine
 * (`engine.runtimeFor`) where it is built; each runtime's code is loaded only when an app uses it.
 */
export async function runtimeFor(record: Pick<AppRecord, 'cluster'> | undefined): Promise<ReleaseRuntime> {
  if (record?.cluster) return (await import('./cluster/runtime.js')).clusterRuntime(record.cluster)
  return (await import('./lifecycle/release-runtime.js')).containerRuntime
}

export async function clusterSettings(...args: Parameters<typeof import('./cluster/membership.js').clusterSettingsFor>) {
  return (await import('./cluster/membership.js')).clusterSettingsFor(...args)
}
