import {randomBytes} from 'node:crypto'
import {setTimeout as sleep} from 'node:timers/promises'

import {createService, listTasks, removeService, serviceLogText} from '../docker/swarm.js'
import type {Operation} from '../lifecycle/operation.js'
import type {Recipe} from '../recipes/schema.js'
import type {ClusterSettings, ReleaseRecord} from '../state/store.js'
import {clusterAuth, placementFor, serviceRelease} from './releases.js'
import {hookJobSpec} from './service-spec.js'
import {judgeJob} from './tasks.js'

const POLL_MS = 150
const LOG_LINES = 200

/**
 * Runs a hook once as a Swarm job (mode replicated-job) of the release's image, with the app's env
 * on the app's overlay, on any node that can run the app. The job service is removed afterwards;
 * its output comes from the task's log, gathered by Swarm from whichever node ran it.
 */
export async function runInJob(
  op: Operation,
  cluster: ClusterSettings,
  recipe: Recipe,
  release: ReleaseRecord,
  cmd: string[],
  options: {label: string; timeoutMs?: number},
): Promise<{exitCode: number; output: string; timedOut: boolean}> {
  const name = `${op.app}-hook-${randomBytes(4).toString('hex')}`
  const ready = await serviceRelease(op, release)
  const spec = hookJobSpec(op.app, recipe, ready, {
    name,
    cmd,
    hook: options.label,
    // The app's own overlay (its engine's network), where its accessories are.
    network: op.engine.settings.network,
    // Pinned beside the volumes when the app has any; one run needs no per-node limit.
    placement: {pinnedTo: (await placementFor(op, cluster, recipe)).pinnedTo},
  })
  await createService(op.engine.docker, spec, await clusterAuth(op, recipe, release.image))
  try {
    const deadline = Date.now() + (options.timeoutMs ?? 10 * 60_000)
    for (;;) {
      const ended = judgeJob(await listTasks(op.engine.docker, name))
      if (ended.done) {
        const output = await serviceLogText(op.engine.docker, name, LOG_LINES)
        return {exitCode: ended.exitCode, output: output || (ended.reason ?? ''), timedOut: false}
      }
      if (Date.now() > deadline) return {exitCode: 137, output: await serviceLogText(op.engine.docker, name, LOG_LINES), timedOut: true}
      await sleep(POLL_MS)
    }
  } finally {
    await removeService(op.engine.docker, name).catch(() => {})
  }
}
