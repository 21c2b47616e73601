import type {ContainerSpec} from '../../docker/docker.js'
import type {Recipe} from '../../recipes/schema.js'
import type {ReleaseRecord} from '../../state/store.js'
import {appContainerSpec, releaseLabels} from '../container-spec.js'
import {taskArgv} from '../one-off-plan.js'
import {stopSettings, stopSourceLabel} from '../stop-policy.js'
import {processLabels} from './plan.js'

/**
 * A process replica's container: the web's (image id, env, volumes, network, init) with the process's
 * command, its own env on top, its stop (the recipe's `stop` wins, else the image's STOPSIGNAL) and
 * the labels that say whose it is (app, release, process, replica). The command is never a template,
 * so no secret reaches a process's argv.
 */
export function processContainerSpec(
  network: string,
  app: string,
  recipe: Recipe,
  release: ReleaseRecord,
  replica: {container: string; process: string; replica: number},
): ContainerSpec {
  const declared = recipe.processes[replica.process]
  const web = appContainerSpec(network, app, recipe, release, replica.container)
  const stop = stopSettings(declared.stop, 'process')
  return {
    ...web,
    cmd: taskArgv(declared.command),
    env: {...recipe.env, ...declared.env},
    stop,
    labels: {...releaseLabels(app, release), ...processLabels(replica.process, replica.replica), ...stopSourceLabel(stop)},
  }
}
