import {dockerActions, type StrategyActions} from '../strategy-actions.js'
import {notDeployedError, type Strategy} from '../strategy.js'

/**
 * Blue-green: the new release starts beside the serving one → preSwitch hooks → kamal-proxy deploy
 * (health check, atomic switch, drain). A failure before the switch removes the new container; the
 * old one never stopped serving, and goLive retires it once the new one is recorded.
 */
export function blueGreenStrategy(actions: StrategyActions = dockerActions): Strategy {
  return {
    name: 'bluegreen',

    async deploy(op, plan) {
      const previous = plan.record.current
      const serving = previous && `${previous.version} keeps serving; nothing was changed.`
      // A start that fails cleans up after itself (a container Docker refuses, a service whose replicas fail).
      const next = await actions.start(op, plan.recipe, plan.release).catch((error: unknown) => {
        throw notDeployedError(error, plan.release.version, serving, '')
      })
      try {
        await actions.preSwitch(op, plan, next)
        await actions.switchTo(op, plan.recipe, next)
      } catch (error) {
        const logs = await actions.discard(op, next)
        throw notDeployedError(error, next.version, serving, logs)
      }
      return {next, stillRunning: previous}
    },

    /** The kept release starts beside the serving one and takes traffic through the same health-checked deploy. */
    async rollback(op, {recipe, current, target}) {
      await actions.revive(op, recipe, target)
      try {
        await actions.switchTo(op, recipe, target)
      } catch (error) {
        await actions.stopQuietly(op, target)
        throw error
      }
      return {next: target, stillRunning: current}
    },
  }
}

export const bluegreen = blueGreenStrategy()
