import {stopContainer} from '../../docker/docker.js'
import {runPluginHooks, runRecipeHooks} from '../hooks.js'
import {switchTraffic} from '../proxy-steps.js'
import {discardRelease, reviveRelease, startRelease} from '../release-container.js'
import type {Strategy} from '../strategy.js'
import {notDeployedError} from '../strategy.js'

/**
 * Blue-green: the new release starts beside the serving one → recipe preSwitch hooks → plugin
 * pre-install or pre-switch hooks → kamal-proxy deploy (health check, atomic switch, drain). A failure
 * before the switch removes the new container; the old one never stopped serving.
 */
export const bluegreen: Strategy = {
  name: 'bluegreen',

  async deploy(op, {record, recipe, release, kind}) {
    const previous = record.current
    const next = await startRelease(op, recipe, release)
    try {
      await runRecipeHooks(op, 'preSwitch', recipe, next)
      await runPluginHooks(op, kind === 'install' ? 'discode:pre-install' : 'discode:pre-switch', recipe, next, previous)
      await switchTraffic(op, recipe, next)
    } catch (error) {
      const logs = await discardRelease(op, next)
      throw notDeployedError(error, next.version, previous && `${previous.version} keeps serving; nothing was changed.`, logs)
    }
    return {next, stillRunning: previous}
  },

  /** The kept release starts beside the serving one and takes traffic through the same health-checked deploy. */
  async rollback(op, {recipe, current, target}) {
    await reviveRelease(op, recipe, target)
    try {
      await switchTraffic(op, recipe, target)
    } catch (error) {
      await stopContainer(op.engine.docker, target.container)
      throw error
    }
    return {next: target, stillRunning: current}
  },
}
