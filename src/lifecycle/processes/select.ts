import {containerName, listContainers} from '../../docker/docker.js'
import {DiscodeError} from '../../errors.js'
import type {Engine} from '../context.js'
import {LABELS} from '../../names/names.js'
import {PROCESS_LABELS, seenProcesses, type SeenProcess} from './plan.js'

/** The app's process containers, as planProcessMove reads them (a listing only: reports load no deploy code). */
export async function listProcesses(op: {engine: Pick<Engine, 'docker'>; app: string}): Promise<SeenProcess[]> {
  const containers = await listContainers(op.engine.docker, [`${LABELS.app}=${op.app}`, PROCESS_LABELS.process])
  return seenProcesses(containers.map((c) => ({name: containerName(c), state: c.State, labels: c.Labels})))
}

/**
 * Which containers `--process NAME` means (`logs`, `exec`): the web's (no name, or `web`), else the
 * serving release's replicas of that process, by replica; `running` keeps only the running ones.
 */
export function processContainers(
  app: string,
  current: {key: string; container: string; processes?: Record<string, number>},
  seen: SeenProcess[],
  name: string | undefined,
  options: {running?: boolean} = {},
): string[] {
  if (name === undefined || name === 'web') return [current.container]
  const replicas = seen.filter((s) => s.release === current.key && s.process === name).sort((a, b) => a.replica - b.replica)
  const known = [
    ...new Set([...Object.keys(current.processes ?? {}), ...seen.filter((s) => s.release === current.key).map((s) => s.process)]),
  ]
  if (replicas.length === 0 && !known.includes(name)) {
    throw new DiscodeError(`${app} has no process "${name}"`, {
      hint: `Processes: ${['web', ...known.sort()].join(', ')} (leave out --process for the web)`,
      code: 'UNKNOWN_PROCESS',
    })
  }
  const chosen = options.running ? replicas.filter((s) => s.state === 'running') : replicas
  if (chosen.length === 0) {
    throw new DiscodeError(`No replica of the process ${name} of ${app} is ${options.running ? 'running' : 'on this host'}`, {
      hint: `See "discode status ${app}"; "discode update ${app}" starts the missing replicas`,
      code: 'PROCESS_NOT_RUNNING',
    })
  }
  return chosen.map((s) => s.container)
}
