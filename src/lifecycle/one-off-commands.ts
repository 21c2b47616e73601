import {randomBytes} from 'node:crypto'
import {hostname} from 'node:os'

import {execAttached, runAttached, type Terminal} from '../docker/attach.js'
import {containerName, listContainers, removeContainer} from '../docker/docker.js'
import {DiscodeError} from '../errors.js'
import {loadInstalledRecipe, renderFor} from '../recipes/installed.js'
import {installedRecord, type InstalledRecord} from '../state/installed.js'
import {appRuntime} from './app-runtime.js'
import {appContainerSpec} from './container-spec.js'
import type {Engine} from './context.js'
import {LABELS} from '../names/names.js'
import {listProcesses, processContainers} from './processes/select.js'
import {RUN_LABEL, runCommand, runLabelValue, runOwnerAlive, taskArgv} from './one-off-plan.js'

/**
 * `discode exec` (a command in the serving container) and `discode run` (a command in a new,
 * throw-away container of the current release). Neither takes the app's lock: a console may stay
 * open for hours while updates go on. Secrets reach the container through its config, never argv.
 */

export type {Terminal} from '../docker/attach.js'

/** The recipe's tasks of an installed app, as argv. */
export async function appTasks(engine: Engine, app: string): Promise<Record<string, string[]>> {
  const record = await installedRecord(engine.store, app)
  const {raw} = loadInstalledRecipe(engine.recipeRoots, record)
  return Object.fromEntries(Object.entries(raw.tasks).map(([name, task]) => [name, taskArgv(task)]))
}

export async function execInApp(
  engine: Engine,
  options: {app: string; process?: string; cmd: string[]; terminal: Terminal},
): Promise<number> {
  const {record} = await oneHost(engine, await installedRecord(engine.store, options.app), 'exec')
  const seen = options.process ? await listProcesses({engine, app: options.app}) : []
  const [container] = processContainers(options.app, record.current, seen, options.process, {running: true})
  if (options.cmd.length === 0) {
    throw new DiscodeError('Nothing to run', {
      hint: `Give the command after --, e.g. discode exec ${options.app} -- sh`,
      code: 'RUN_NO_COMMAND',
    })
  }
  await removeStaleRuns(engine, options.app)
  return execAttached(engine.docker, container, options.cmd, options.terminal)
}

export async function runInApp(engine: Engine, options: {app: string; args: string[]; terminal: Terminal}): Promise<number> {
  const {record, appEngine} = await oneHost(engine, await installedRecord(engine.store, options.app), 'run')
  const {raw} = loadInstalledRecipe(engine.recipeRoots, record)
  const {argv} = runCommand(options.args, raw.tasks)
  await removeStaleRuns(engine, options.app)
  const recipe = renderFor(options.app, raw, record.inputs, await engine.store.readSecrets(options.app), record.current)
  const name = `${options.app}-run-${randomBytes(4).toString('hex')}`
  // On the app's own network, beside its release and accessories.
  const spec = appContainerSpec(appEngine.settings.network, options.app, recipe, record.current, name)
  const labels = {[LABELS.app]: options.app, [RUN_LABEL]: runLabelValue(hostname(), process.pid)}
  return runAttached(engine.docker, {...spec, cmd: argv, labels}, options.terminal)
}

/** Whether a `run` container's discode process is gone (killed mid-run): then it is a leftover. */
export function staleRun(labels: Record<string, string>): boolean {
  return labels[RUN_LABEL] !== undefined && !runOwnerAlive(labels[RUN_LABEL], {host: hostname(), alive: pidAlive})
}

/** Removes the app's `run` containers whose discode process is gone. */
export async function removeStaleRuns(engine: Engine, app: string): Promise<void> {
  const containers = await listContainers(engine.docker, [`${LABELS.app}=${app}`, RUN_LABEL])
  for (const container of containers.filter((c) => staleRun(c.Labels))) {
    engine.reporter.info(`Removing ${containerName(container)}, a discode run whose discode process is gone`)
    await removeContainer(engine.docker, containerName(container))
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * exec and run work on this host's containers: a runtime without them refuses. Otherwise the record and
 * the engine the app's steps use (its own network), chosen once by the runtime.
 */
async function oneHost(
  engine: Engine,
  record: InstalledRecord,
  what: 'exec' | 'run',
): Promise<{record: InstalledRecord; appEngine: Engine}> {
  const {runtime, engine: appEngine} = await appRuntime(engine, record.app, record)
  runtime.requireOneHost(record.app, {what})
  return {record, appEngine}
}
