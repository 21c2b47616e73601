import type {Recipe} from '../recipes/schema.js'
import type {DeployArgs} from './commands.js'

/** How long the proxy lets requests in flight to the old target finish after a switch. */
export const DRAIN_TIMEOUT = '30s'

/** The recipe's host names (kamal-proxy takes several, comma separated); none = catch-all. */
export function recipeHosts(recipe: Pick<Recipe, 'proxy'>): string[] {
  return recipe.proxy.host
    ? recipe.proxy.host
        .split(',')
        .map((h) => h.trim())
        .filter(Boolean)
    : []
}

/**
 * The one builder of `kamal-proxy deploy` arguments for an app: its service name, the target
 * (`container:port`) and the recipe's health check and host names. `route` keeps the hosts and TLS of
 * a route as the proxy has it (putting an old target back exactly as it was routed).
 */
export function deployArgs(
  app: string,
  recipe: Pick<Recipe, 'proxy' | 'health'>,
  target: string,
  route?: {hosts: string[]; tls: boolean},
): DeployArgs {
  return {
    service: app,
    target,
    hosts: route?.hosts ?? recipeHosts(recipe),
    healthCheckPath: recipe.health.path,
    healthCheckInterval: recipe.health.interval,
    healthCheckTimeout: recipe.health.timeout,
    deployTimeout: recipe.health.deployTimeout,
    drainTimeout: DRAIN_TIMEOUT,
    tls: route?.tls ?? recipe.proxy.tls,
  }
}
