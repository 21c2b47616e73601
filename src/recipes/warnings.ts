import {hasTemplate} from './schema.js'
import {parseDuration} from './duration.js'
import type {RawRecipe} from './schema.js'

/**
 * What a valid recipe may still get wrong at run time: advice for the vendor, not errors. Durations
 * that are still templates cannot be judged before rendering and are skipped.
 */
export function recipeWarnings(raw: RawRecipe): string[] {
  const warnings: string[] = []
  if (raw.strategy === 'pause') {
    const ms = (value: string) => (hasTemplate(value) ? undefined : parseDuration(value))
    const stopTimeout = raw.stop?.timeout ?? '10s'
    const stop = ms(stopTimeout)
    const deploy = ms(raw.health.deployTimeout)
    const maxPause = ms(raw.pause.maxPause)
    if (stop !== undefined && deploy !== undefined && maxPause !== undefined && stop + deploy > maxPause) {
      warnings.push(
        `stop.timeout (${stopTimeout}) + health.deployTimeout (${raw.health.deployTimeout}) can exceed pause.maxPause (${raw.pause.maxPause}): requests held that long get a 504. Keep the sum below maxPause (and set "init: true" if the server ignores SIGTERM as PID 1)`,
      )
    }
  }
  return warnings
}
