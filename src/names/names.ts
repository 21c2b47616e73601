import {createHash} from 'node:crypto'

import {DiscodeError} from '../errors.js'

/**
 * How discode names and labels what it creates in Docker. Kept free of heavy imports (recipes,
 * feeds): read-only commands such as `status` need these and nothing else of the lifecycle.
 */

export const LABELS = {
  app: 'discode.app',
  version: 'discode.version',
  release: 'discode.release',
  image: 'discode.image',
  hook: 'discode.hook',
} as const

/** On volumes: the volume's name in the recipe (beside discode.app, which says whose it is). */
export const VOLUME_LABEL = 'discode.volume'

const APP_NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/

export function validateAppName(app: string): void {
  if (!APP_NAME.test(app) || app.includes('--')) {
    throw new DiscodeError(`Invalid app name "${app}"`, {
      hint: 'Use 2 to 32 lowercase letters, digits and single hyphens, starting with a letter (e.g. "myapp")',
      code: 'BAD_APP_NAME',
    })
  }
}

/** 12 hex characters that identify a release: its version and the exact image content. */
export function releaseKey(version: string, imageId: string): string {
  return createHash('sha256').update(`${version}\n${imageId}`).digest('hex').slice(0, 12)
}

export function releaseContainerName(app: string, key: string): string {
  return `${app}-${key}`
}

export function notInstalledError(app: string): DiscodeError {
  return new DiscodeError(`${app} is not installed`, {
    hint: `Install it with "discode install ${app}", or see "discode status"`,
    code: 'NOT_INSTALLED',
  })
}
