import {parseDuration} from '../recipes/duration.js'

/**
 * How a container stops, as Docker defines it: the image's STOPSIGNAL (Docker copies it into the
 * container's config when the create options name none) unless the recipe's `stop.signal` overrides
 * it, then SIGKILL after the timeout: the recipe's `stop.timeout`, else one that fits the process.
 */

/** The stop timeout, in seconds, of a process whose recipe does not set one. */
export const DEFAULT_STOP_TIMEOUT = {web: 10, accessory: 30, process: 30} as const

/** Set on each container discode creates: whether its stop signal came from the recipe or the image. */
export const STOP_SOURCE_LABEL = 'discode.stop-source'

export type StopKind = keyof typeof DEFAULT_STOP_TIMEOUT

/** A recipe's `stop` key (both fields optional; no key at all: the image decides). */
export interface RecipeStop {
  signal?: string
  timeout?: string
}

/** What discode puts in the create options: a signal only when the recipe names one. */
export interface StopSettings {
  signal?: string
  timeoutSeconds: number
}

/** What `status --json` shows for a container: its effective signal, where it came from, its timeout. */
export interface StopReport {
  signal: string
  source: 'recipe' | 'image' | 'docker'
  timeout: number
}

/** The recipe's `stop` (or none) as Docker takes it: whole seconds, at least one. */
export function stopSettings(stop: RecipeStop | undefined, kind: StopKind): StopSettings {
  const ms = stop?.timeout === undefined ? undefined : parseDuration(stop.timeout)
  const timeoutSeconds = ms === undefined ? DEFAULT_STOP_TIMEOUT[kind] : Math.max(1, Math.ceil(ms / 1000))
  return {...(stop?.signal ? {signal: stop.signal} : {}), timeoutSeconds}
}

/** The label that records the signal's source on a container created with `settings`. */
export function stopSourceLabel(settings: StopSettings): Record<string, string> {
  return {[STOP_SOURCE_LABEL]: settings.signal ? 'recipe' : 'image'}
}

/**
 * A container's effective stop, from its inspected config. Containers created before the label
 * existed had their signal set from the recipe (SIGTERM by default): they report `recipe`.
 */
export function stopReport(
  config: {StopSignal?: string; StopTimeout?: number; Labels?: Record<string, string> | null},
  kind: StopKind,
): StopReport {
  const labelled = config.Labels?.[STOP_SOURCE_LABEL]
  const source = labelled === 'image' ? (config.StopSignal ? 'image' : 'docker') : config.StopSignal ? 'recipe' : 'docker'
  return {signal: config.StopSignal || 'SIGTERM', source, timeout: config.StopTimeout ?? DEFAULT_STOP_TIMEOUT[kind]}
}
