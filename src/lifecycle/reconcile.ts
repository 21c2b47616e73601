import {containerName, removeContainer, startContainer, stopContainer} from '../docker/docker.js'
import {LockedError} from '../lock/lock.js'
import {Journal} from '../state/journal.js'
import type {AppRecord, ReleaseRecord} from '../state/store.js'
import {bootProxy} from './deploy.js'
import {runOperation} from './operation.js'
import {ACCESSORY_LABELS} from './accessories.js'
import {type Engine, step, type Timings} from './context.js'
import {recoverPausedRoute} from './pause.js'
import {LABELS} from './names.js'
import {appContainers} from './steps.js'

/**
 * Makes discode's record agree with what really runs, before any operation changes anything. A run
 * that died (SIGKILL, power loss) between two steps leaves one of a few shapes, and each has one fix:
 * - the proxy routes to a container the record does not call current: the switch happened but was
 *   not recorded, so the record follows the proxy (the proxy decides what users see);
 * - a release container that neither serves nor is kept for rollback: an interrupted update's new
 *   container, removed; a kept one still running, stopped;
 * - one-off hook containers: removed; accessory containers are never touched here;
 * - a paused route (nobody resumes it while we hold the lock): re-created, see recoverPausedRoute.
 * The proxy must be running (callers boot it first).
 */
export async function reconcileApp(engine: Engine, timings: Timings, record: AppRecord): Promise<Reconciled> {
  return step(engine, timings, 'reconcile', `Checking ${record.app} against Docker and the proxy`, async () => {
    await engine.proxy.waitForCommands(record.app)
    const containers = await appContainers(engine, record.app)
    const route = await engine.proxy.route(record.app)
    const live = route?.targets[0]?.split(':')[0]
    let next = record

    const liveContainer = containers.find((c) => containerName(c) === live && c.Labels[LABELS.release])
    if (liveContainer && live !== record.current?.container) {
      const adopted = releaseFromLabels(liveContainer.Labels, live!, liveContainer.ImageID)
      engine.reporter.warn(`The proxy serves ${adopted.version} (${live}) but the last run did not record it: recording it now`)
      next = {
        ...record,
        current: {...adopted, deployedAt: new Date().toISOString()},
        previous: [...(record.current ? [record.current] : []), ...record.previous].filter((r) => r.container !== live),
      }
    }

    const kept = new Set(next.previous.map((r) => r.container))
    for (const container of containers) {
      const name = containerName(container)
      if (container.Labels[ACCESSORY_LABELS.accessory]) continue
      if (name === next.current?.container) {
        // e.g. a pause-strategy update that died after stopping it: what the route targets must run.
        if (container.State !== 'running' && name === live) await startContainer(engine.docker, name)
        continue
      }
      if (container.Labels[LABELS.hook]) {
        await removeContainer(engine.docker, name)
      } else if (kept.has(name)) {
        if (container.State === 'running' && name !== live) await stopContainer(engine.docker, name)
      } else if (name !== live) {
        engine.reporter.warn(`Removing ${name}, left over by an interrupted run`)
        await removeContainer(engine.docker, name)
      }
    }

    if (next !== record) await engine.store.write(next)
    const recovered = await recoverPausedRoute(engine, next, route)
    const current = next.current?.container
    return {record: next, routed: Boolean(current) && (recovered || live === current)}
  })
}

export interface Reconciled {
  record: AppRecord
  /** Whether the proxy now routes to the record's current release (see restoreRoute). */
  routed: boolean
}

/**
 * For read-only commands (status): if the app's last operation was interrupted, repair it now, as
 * the next update would. Skipped while another discode holds the app (that one is not interrupted).
 */
export async function recoverIfInterrupted(engine: Engine, app: string): Promise<boolean> {
  if (!new Journal(engine.store.appDir(app)).interrupted()) return false
  try {
    await runOperation(engine, app, 'recover', {}, async (engine, timings) => {
      const record = await engine.store.read(app)
      if (!record) return
      await bootProxy(engine, timings)
      await reconcileApp(engine, timings, record)
    })
    return true
  } catch (error) {
    if (error instanceof LockedError) return false
    throw error
  }
}

function releaseFromLabels(labels: Record<string, string>, container: string, imageId: string): ReleaseRecord {
  return {
    version: labels[LABELS.version] ?? 'unknown',
    image: labels[LABELS.image] ?? imageId,
    imageId,
    key: labels[LABELS.release],
    container,
  }
}
