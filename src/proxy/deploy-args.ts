import type {Recipe} from '../recipes/schema.js'
import {bodySizeBytes} from '../recipes/proxy-schema.js'
import {splitHosts} from '../recipes/hosts.js'
import type {DeployArgs, RouteOptions} from './commands.js'

/** How long the proxy lets requests in flight to the old target finish after a switch. */
export const DRAIN_TIMEOUT = '30s'

/** The recipe's host names (`host`, comma separated, or `hosts`); none = catch-all. */
export function recipeHosts(recipe: Pick<Recipe, 'proxy'>): string[] {
  return [...splitHosts(recipe.proxy.host), ...(recipe.proxy.hosts ?? []).map((host) => host.trim())]
}

/**
 * The recipe's routing options as the proxy takes them: a body limit turns its side's buffering on
 * (kamal-proxy refuses --max-request-body without --buffer-requests).
 */
export function routeOptions(proxy: Recipe['proxy']): RouteOptions {
  const bytes = (size: number | string | undefined) => (size === undefined ? undefined : bodySizeBytes(size))
  const maxRequestBody = bytes(proxy.maxRequestBody)
  const maxResponseBody = bytes(proxy.maxResponseBody)
  return {
    pathPrefix: proxy.pathPrefix,
    stripPathPrefix: proxy.pathPrefix === undefined ? undefined : proxy.stripPathPrefix,
    targetTimeout: proxy.targetTimeout,
    bufferRequests: maxRequestBody === undefined ? proxy.bufferRequests : true,
    maxRequestBody,
    bufferResponses: maxResponseBody === undefined ? proxy.bufferResponses : true,
    maxResponseBody,
    forwardHeaders: proxy.forwardHeaders,
  }
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
    // `custom`: the proxy adds the stored certificate (src/proxy/certificates.ts); without one, plain HTTP.
    tls: route?.tls ?? recipe.proxy.tls === 'auto',
    options: routeOptions(recipe.proxy),
  }
}
